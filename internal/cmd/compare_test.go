package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// compareScript runs two named queries; handleSummary writes its data to __ENV.DATA and
// the default summary still prints.
const compareScript = `
import neo4j from 'k6/x/neo4j';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';
export const options = { vus: 1, iterations: 30 }; // one VU: __ITER % 3 fails exactly a third
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: 'ping' } });
  if (__ITER % 3 === 0) {
    try { db.read('RETURN 1/0 AS x', {}, { tags: { name: 'div' } }); } catch (e) {}
  } else {
    db.read('RETURN 1/1 AS x', {}, { tags: { name: 'div' } });
  }
}
export function handleSummary(data) { return { [__ENV.DATA]: JSON.stringify(data) }; }
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two real runs, one read from its --out json file (gzip) and one from its handleSummary
// data: both runs' servers and tags, what differs, and each query's rows with ratios.
// The same run read both ways gives the same figures (ratios of 1).
func TestCompareTwoRealRuns(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	dir := t.TempDir()
	env := neo4jEnv(srv)
	aJSON, aData, bData := filepath.Join(dir, "a.json.gz"), filepath.Join(dir, "a-data.json"), filepath.Join(dir, "b-data.json")
	env["DATA"] = aData
	if r := runScript(t, compareScript, env, "--out", "json="+aJSON, "--tag", "env=before"); r.code != ExitOK {
		t.Fatalf("run A: exit %d\n%s", r.code, r.stderr)
	}
	env["DATA"] = bData
	if r := runScript(t, compareScript, env, "--tag", "env=after"); r.code != ExitOK {
		t.Fatalf("run B: exit %d\n%s", r.code, r.stderr)
	}

	r := runArgs(t, nil, "compare", aJSON, bData)
	if r.code != ExitOK {
		t.Fatalf("compare: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := r.stdout
	for _, want := range []string{
		"A: " + aJSON + " (--out json)", "B: " + bData + " (handleSummary data)",
		"server: Neo4j ", " community at " + srv.HostPort + ", database neo4j (default), as neo4j@" + srv.HostPort,
		"tags: env=before", "tags: env=after", "≠ tag env: before in A, after in B",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("compare's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "≠ version") {
		t.Fatalf("one server, two versions?\n%s", out)
	}
	// Sorted by name: div before ping; each with its counts, error rates and percentiles.
	if i, j := strings.Index(out, "    div  read"), strings.Index(out, "    ping  read"); i < 0 || j < i {
		t.Fatalf("want div's rows, then ping's:\n%s", out)
	}
	row := func(out, query, label string) []string {
		t.Helper()
		block := out[strings.Index(out, "    "+query+"  read"):]
		m := regexp.MustCompile(`(?m)^      ` + regexp.QuoteMeta(label) + `\s+(\S+)\s+(\S+)\s+(\S+)$`).FindStringSubmatch(block)
		if m == nil {
			t.Fatalf("no %s row for %s:\n%s", label, query, out)
		}
		return m[1:]
	}
	if got := row(out, "ping", "count"); strings.Join(got, " ") != "30 30 1.00" {
		t.Fatalf("ping count row %v, want 30 in both and a ratio of 1.00", got)
	}
	if got := row(out, "div", "error rate"); strings.Join(got, " ") != "33.33% 33.33% 1.00" {
		t.Fatalf("div error rate row %v, want a third failed in both", got)
	}
	for _, label := range []string{"p(50)", "p(95)", "p(99)"} {
		got := row(out, "ping", label)
		if !regexp.MustCompile(`^[0-9.]+(µs|ms|s)$`).MatchString(got[0]) || !regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`).MatchString(got[2]) {
			t.Fatalf("ping %s row %v, want times and a ratio", label, got)
		}
	}

	// A's --out json against A's own handleSummary data: the same figures.
	r = runArgs(t, nil, "compare", aJSON, aData)
	if r.code != ExitOK {
		t.Fatalf("compare A with itself: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "same server(s) and tags") {
		t.Fatalf("A against itself should differ in nothing:\n%s", r.stdout)
	}
	for _, q := range []string{"ping", "div"} {
		for _, label := range []string{"count", "p(50)", "p(95)", "p(99)"} {
			if got := row(r.stdout, q, label); got[0] != got[1] || got[2] != "1.00" {
				t.Fatalf("%s %s: %v read from --out json and from handleSummary's data differ", q, label, got)
			}
		}
	}
}

// Bad input: the message names the file (and the line), the exit code is the CLI's for
// bad input (104) or a bad command line (255).
func TestCompareRefusesWhatIsNotARun(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.json", `{"metrics":{},"root_group":{},"queries":[{"name":"q","mode":"read","count":2,"failures":0,"p(50)":1,"p(95)":2,"p(99)":3}]}`)
	cases := []struct {
		name, content string
		want          string
	}{
		{"missing", "", "missing: no such file"},
		{"empty.json", "", "empty.json: the file is empty"},
		{"results.csv", "metric_name,timestamp,metric_value\nvus,1,2\n", `results.csv: neither a file of --out json (line 1 is "metric_name,timestamp,metric_value")`},
		{"broken.ndjson", `{"type":"Metric","data":{},"metric":"vus"}` + "\n" + `{"type":"Point","metric":"vus","data":{"value":1}}` + "\n" + "{oops\n", "broken.ndjson: line 3 is not JSON"},
		{"noqueries.ndjson", `{"type":"Metric","data":{},"metric":"vus"}` + "\n" + `{"type":"Point","metric":"vus","data":{"value":1,"tags":null}}` + "\n", "noqueries.ndjson (--out json): the run has no queries (no neo4j_query_duration points)"},
		{"k6data.json", `{"metrics":{"vus":{}},"root_group":{}}`, `k6data.json: handleSummary's data without "queries"`},
		{"emptyqueries.json", `{"metrics":{},"queries":[]}`, "emptyqueries.json (handleSummary data): the run has no queries (data.queries is empty)"},
		{"other.json", `{"hello":"world"}`, `other.json: a JSON document without "metrics"`},
		{"badpoint.ndjson", `{"type":"Point","metric":"neo4j_query_duration","data":{"value":"x"}}` + "\n", "badpoint.ndjson: line 1: a neo4j_query_duration point without a numeric value"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if c.name != "missing" {
			path = writeFile(t, dir, c.name, c.content)
		}
		for _, args := range [][]string{{path, good}, {good, path}} {
			r := runArgs(t, nil, append([]string{"compare"}, args...)...)
			if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
				t.Fatalf("%s: exit %d, stderr %q, stdout %q; want 104 and %q", c.name, r.code, r.stderr, r.stdout, c.want)
			}
		}
	}
	for _, args := range [][]string{{"compare"}, {"compare", good}, {"compare", good, good, good}, {"compare", "--bogus", good, good}} {
		if r := runArgs(t, nil, args...); r.code != ExitUsage || !strings.Contains(r.stderr, "Usage: xk6-neo4j compare A B") {
			t.Fatalf("%v: exit %d, stderr %q; want 255 and the usage", args, r.code, r.stderr)
		}
	}
	if r := runArgs(t, nil, "help", "compare"); r.code != ExitOK || !strings.Contains(r.stdout, "Usage: xk6-neo4j compare A B") {
		t.Fatalf("help compare: exit %d\n%s", r.code, r.stdout)
	}
	if r := runArgs(t, nil, "help"); !strings.Contains(r.stdout, "xk6-neo4j compare A B") {
		t.Fatalf("the help does not list compare:\n%s", r.stdout)
	}
	// A hand-written run against itself, with a query only in one of them.
	other := writeFile(t, dir, "other-run.json", `{"metrics":{},"queries":[{"name":"q","mode":"read","count":4,"failures":1,"p(50)":2,"p(95)":4,"p(99)":9},{"name":"new","mode":"write","count":1,"failures":0,"p(50)":1,"p(95)":1,"p(99)":1}]}`)
	r := runArgs(t, nil, "compare", good, other)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	flat := strings.Join(strings.Fields(r.stdout), " ")
	for _, want := range []string{"new write (only in B)", "count 2 4 2.00", "error rate 0.00% 25.00% new", "p(99) 3ms 9ms 3.00", "server: not known"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("want %q in:\n%s", want, r.stdout)
		}
	}
}
