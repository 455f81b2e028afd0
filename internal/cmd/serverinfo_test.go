package cmd

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// serverScript connects as neo4j in init and as loadtest2 only in default(): one server
// known before the outputs open, one learned during the run.
const serverScript = `
import neo4j from 'k6/x/neo4j';
export const options = { vus: 2, iterations: 6, tags: { env: 'staging' } };
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: 'one' } });
  const late = neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest2', password: __ENV.NEO4J_PASSWORD });
  late.read('RETURN 2 AS x', {}, { tags: { name: 'two' } });
}
`

// The run says which server it tested: a line at the top of the text summary, the servers
// in handleSummary's data (data.neo4j), and the first line of --out json; never the
// password.
func TestRunSaysWhichServerItTested(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	r := runScript(t, serverScript, neo4jEnv(srv), "--out", "json="+out, "--tag", "team=graph")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The text summary: one line per server, before the results.
	lines := linesWithPrefix(r.stdout, "     server: ")
	if len(lines) != 2 {
		t.Fatalf("want 2 server lines in the summary, got %q:\n%s", lines, r.stdout)
	}
	want := " community at " + srv.HostPort + ", database neo4j (default), as neo4j@" + srv.HostPort
	if !strings.HasPrefix(lines[0], "     server: Neo4j 20") && !strings.HasPrefix(lines[0], "     server: Neo4j 5.") || !strings.HasSuffix(lines[0], want) {
		t.Fatalf("server line %q, want Neo4j VERSION%s", lines[0], want)
	}
	if !strings.HasSuffix(lines[1], "as loadtest2@"+srv.HostPort) {
		t.Fatalf("second server line %q, want loadtest2's", lines[1])
	}
	if strings.Index(r.stdout, "server: ") > strings.Index(r.stdout, "TOTAL RESULTS") {
		t.Fatalf("the server lines should come before the results:\n%s", r.stdout)
	}

	// --out json: the server known at init is the first line, the later one comes when
	// learned, both with the run's tags.
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var servers []string
	n := 0
	for sc.Scan() {
		n++
		var l struct {
			Type string            `json:"type"`
			Data map[string]any    `json:"data"`
			Tags map[string]string `json:"tags"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if n == 1 && l.Type != "Server" {
			t.Fatalf("the first line of --out json is %s, want the Server line", sc.Text())
		}
		if l.Type == "Server" {
			servers = append(servers, l.Data["identity"].(string))
			if l.Data["version"] == "" || l.Data["edition"] != "community" || l.Tags["env"] != "staging" || l.Tags["team"] != "graph" {
				t.Fatalf("line %d: %s, want the version, edition and run tags", n, sc.Text())
			}
		}
		if strings.Contains(sc.Text(), srv.Password) {
			t.Fatalf("line %d holds the password", n)
		}
	}
	if strings.Join(servers, ",") != "neo4j@"+srv.HostPort+",loadtest2@"+srv.HostPort {
		t.Fatalf("Server lines for %v, want neo4j's then loadtest2's", servers)
	}
	if strings.Contains(r.stdout+r.stderr, srv.Password) {
		t.Fatal("the summary or the logs hold the password")
	}
}

// handleSummary's data.neo4j has the servers (with agent, version, edition, address,
// database, default-ness) and the run's tags.
func TestHandleSummaryGetsTheServers(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "data.json")
	src := serverScript + `
export function handleSummary(data) { return { '` + path + `': JSON.stringify(data) }; }`
	r := runScript(t, src, neo4jEnv(srv))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Neo4j struct {
			Servers []struct {
				Identity, Address, Agent, Version, Edition, Protocol, Database string
				DefaultDatabase                                                bool
				Error                                                          string
			} `json:"servers"`
			Queries map[string]any    `json:"queries"`
			Tags    map[string]string `json:"tags"`
		} `json:"neo4j"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	s := data.Neo4j.Servers
	if len(s) != 2 || s[0].Identity != "neo4j@"+srv.HostPort || s[1].Identity != "loadtest2@"+srv.HostPort {
		t.Fatalf("data.neo4j.servers: %+v, want neo4j's and loadtest2's", s)
	}
	if s[0].Agent != "Neo4j/"+s[0].Version || s[0].Edition != "community" || s[0].Address != srv.HostPort ||
		s[0].Database != "neo4j" || !s[0].DefaultDatabase || s[0].Protocol == "" || s[0].Error != "" {
		t.Fatalf("data.neo4j.servers[0]: %+v", s[0])
	}
	if data.Neo4j.Tags["env"] != "staging" || data.Neo4j.Queries == nil {
		t.Fatalf("data.neo4j: tags %v queries %v, want the run's tags and a queries object", data.Neo4j.Tags, data.Neo4j.Queries)
	}
	if strings.Contains(string(b), srv.Password) {
		t.Fatal("handleSummary's data holds the password")
	}
}

// A script that imports the module but never connects still gets data.neo4j, empty; a k6
// script without it gets k6's data and summary, unchanged.
func TestNeo4jDataOnlyWhenImported(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, imports, want string
	}{
		{"imported", "import neo4j from 'k6/x/neo4j';", `[[],{},{}]`},
		{"not imported", "", "absent"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
		src := c.imports + `
export const options = { iterations: 1 };
export default function () {}
export function handleSummary(data) { return { '` + path + `': data.neo4j === undefined ? 'absent' :
  JSON.stringify([data.neo4j.servers, data.neo4j.queries, data.neo4j.tags]) }; }`
		r := runScript(t, src, nil)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", c.name, r.code, r.stderr)
		}
		b, _ := os.ReadFile(path)
		if string(b) != c.want {
			t.Fatalf("%s: data.neo4j's servers, queries and tags are %s, want %s", c.name, b, c.want)
		}
		r = runScript(t, c.imports+"\nexport default function () {}", nil)
		if strings.Contains(r.stdout, "server:") {
			t.Fatalf("%s: a server line with no server:\n%s", c.name, r.stdout)
		}
	}
}

// linesWithPrefix returns the lines of s that start with prefix.
func linesWithPrefix(s, prefix string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}
