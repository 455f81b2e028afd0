package cmd

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gneo4j "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6mod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// driverCounter wraps the real driver factory and counts what it makes.
type driverCounter struct {
	made  atomic.Int64
	roots []*neo4j.RootModule
}

func (c *driverCounter) modules() map[string]modules.Module {
	root := neo4j.NewWithFactory(func(t neo4j.Target, pw string, s neo4j.Settings) (gneo4j.DriverWithContext, error) {
		c.made.Add(1)
		return neo4j.NewDriver(t, pw, s)
	})
	c.roots = append(c.roots, root)
	return map[string]modules.Module{"k6": k6mod.New(), "k6/x/neo4j": root}
}

func neo4jEnv(srv testenv.Neo4j) map[string]string {
	return map[string]string{"NEO4J_URI": srv.URI, "NEO4J_PASSWORD": srv.Password}
}

// settle waits for goroutines started by the run to end and reports how many are left
// above the baseline.
func settle(base int) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base || time.Now().After(deadline) {
			return n - base
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTwoHundredVUsShareOneDriverThatIsClosedAtTheEnd(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	base := runtime.NumGoroutine()
	c := &driverCounter{}
	// No close() anywhere: the end of each VU must release its lease.
	src := `
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';
export const options = { vus: 200, iterations: 1000 };
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD, userAgent: __ENV.UA });
// The leak check below looks for this user agent: prove the server does show it.
export function setup() {
  const n = db.read('CALL dbms.listConnections() YIELD userAgent WHERE userAgent = $ua RETURN count(*) AS n', { ua: __ENV.UA }).records[0].n;
  if (n < 1) throw new Error('the server does not list our connections by user agent');
}
export default function () {
  const r = db.read('RETURN $x AS x', { x: __ITER });
  check(r, { 'one record': (r) => r.count === 1 && r.records[0].x === __ITER });
}`
	env := neo4jEnv(srv)
	env["UA"] = fmt.Sprintf("leak-check-%d", time.Now().UnixNano())
	r := runScriptWith(t, src, env, c.modules)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if left := serverConnections(t, srv, env["UA"]); left != 0 {
		t.Fatalf("%d connections of the run are still open on the server", left)
	}
	if n := summaryCount(t, r.stdout, "neo4j_queries"); n != 1001 {
		t.Fatalf("neo4j_queries %d, want 1001 (setup's and 1000 iterations')", n)
	}
	if !strings.Contains(r.stdout, "100.00% 1000 out of 1000") {
		t.Fatalf("all 1000 checks should pass:\n%s", r.stdout)
	}
	created, closed, open := c.roots[0].Pool().Stats()
	if c.made.Load() != 1 || created != 1 || closed != 1 || open != 0 {
		t.Fatalf("factory made %d; pool created %d closed %d open %d; want exactly one driver, closed", c.made.Load(), created, closed, open)
	}
	if extra := settle(base); extra > 0 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left after the run:\n%s", extra, buf[:runtime.Stack(buf, true)])
	}
}

// Init code runs 1 (options) + N (VUs) + setup + teardown + handleSummary times, and
// teardown runs in a VU of its own: still one driver per identity, made once, closed once.
func TestTwoIdentitiesTwoDriversAcrossTheWholeLifecycle(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	c := &driverCounter{}
	src := `
import neo4j from 'k6/x/neo4j';
export const options = { vus: 20, iterations: 100 };
console.log('init ran');
const a = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
const b = neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest2', password: __ENV.NEO4J_PASSWORD });
export function setup() { a.read('RETURN 0'); return { ok: true }; }
export default function () { a.read('RETURN 1'); b.read('RETURN 2'); }
export function teardown() { b.read('RETURN 3'); a.close(); b.close(); }
export function handleSummary(data) { return { stdout: 'queries=' + data.metrics.neo4j_queries.values.count + '\n' }; }`
	r := runScriptWith(t, src, neo4jEnv(srv), c.modules)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stderr, "init ran"); n != 1+20+1+1+1 {
		t.Fatalf("init ran %d times, want 24 (options, 20 VUs, setup, teardown, handleSummary)", n)
	}
	if !strings.Contains(r.stdout, "queries=202") {
		t.Fatalf("handleSummary output %q, want 202 queries (setup 1, 100 x 2, teardown 1)", r.stdout)
	}
	created, closed, open := c.roots[0].Pool().Stats()
	if c.made.Load() != 2 || created != 2 || closed != 2 || open != 0 {
		t.Fatalf("made %d; created %d closed %d open %d; want two drivers, both closed", c.made.Load(), created, closed, open)
	}
}

// serverConnections counts the server's open Bolt connections whose user agent is ua,
// waiting briefly for closed ones to go.
func serverConnections(t *testing.T, srv testenv.Neo4j, ua string) int {
	t.Helper()
	tg, _ := neo4j.ParseTarget(srv.URI, "neo4j")
	d, err := neo4j.NewDriver(tg, srv.Password, neo4j.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	n := -1
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		res, err := gneo4j.ExecuteQuery(context.Background(), d,
			"CALL dbms.listConnections() YIELD userAgent WHERE userAgent = $ua RETURN count(*) AS n",
			map[string]any{"ua": ua}, gneo4j.EagerResultTransformer, gneo4j.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			t.Fatal(err)
		}
		n = int(res.Records[0].Values[0].(int64))
		if n == 0 {
			break
		}
	}
	return n
}

func TestWrongPasswordFailsInitWithoutLeakingIt(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	const bad = "Wr0ng-Passw0rd-xyz"
	env := map[string]string{"NEO4J_URI": srv.URI, "BAD": bad}
	src := `
import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest3', password: __ENV.BAD });
export default function () { db.read('RETURN 1'); }`
	r := runScript(t, src, env)
	if r.code != ExitScriptException {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptException, r.stderr)
	}
	if !strings.Contains(r.stderr, "loadtest3@"+srv.HostPort) {
		t.Fatalf("stderr should name loadtest3@%s:\n%s", srv.HostPort, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, bad) {
		t.Fatal("the password appears in the output")
	}
}

func TestCypherErrorsAreCountedAndTheRunGoesOn(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	src := `
import neo4j from 'k6/x/neo4j';
export const options = { iterations: 20 };
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });
export default function () {
  try { db.read('RETRUN 1', {}, { tags: { name: 'typo' } }); } catch (e) { if (e.code !== 'Neo.ClientError.Statement.SyntaxError') throw e; }
  db.read('RETURN 1', {}, { tags: { name: 'fine' } });
}`
	r := runScript(t, src, neo4jEnv(srv))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "50.00% 20 out of 40") {
		t.Fatalf("neo4j_query_failed should be 20 of 40:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "typo") || !strings.Contains(r.stdout, "fine") {
		t.Fatalf("the per-query table should list typo and fine:\n%s", r.stdout)
	}
}

// A run's neo4j metrics reach a real Prometheus through remote write, with their tags as
// labels and values that match the run's summary.
func TestRunPushesNeo4jMetricsToPrometheus(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	prom := testenv.StartPrometheus(t)
	env := neo4jEnv(srv)
	env["K6_PROMETHEUS_RW_SERVER_URL"] = prom + "/api/v1/write"
	env["K6_PROMETHEUS_RW_PUSH_INTERVAL"] = "500ms"
	env["K6_PROMETHEUS_RW_TREND_STATS"] = "p(99),count"
	src := `import neo4j from 'k6/x/neo4j';
import exec from 'k6/execution';
export const options = { vus: 4, iterations: 120 };
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });
export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'prom-read' } });
  if (exec.scenario.iterationInTest % 4 === 0) { try { db.read('RETRUN', {}, { tags: { name: 'prom-typo' } }); } catch (e) {} }
}`
	r := runScript(t, src, env, "--out", "experimental-prometheus-rw", "--tag", "run=e2e")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	total := summaryCount(t, r.stdout, "neo4j_queries")
	at := time.Now()
	sum := func(q string) (float64, []testenv.PromSample) {
		res := testenv.PromQuery(t, prom, q, at)
		var s float64
		for _, x := range res {
			s += x.Float(t)
		}
		return s, res
	}
	if got, _ := sum(`sum(k6_neo4j_queries_total{run="e2e"})`); int(got) != total {
		t.Fatalf("Prometheus has %v queries, the summary %d", got, total)
	}
	reads, res := sum(`k6_neo4j_queries_total{name="prom-read"}`)
	if int(reads) != 120 || len(res) != 1 {
		t.Fatalf("prom-read: %v in %d series, want 120 in 1", reads, len(res))
	}
	lbl := res[0].Metric
	if lbl["mode"] != "read" || lbl["db"] != "neo4j" || lbl["status"] != "ok" || lbl["identity"] != "neo4j@"+srv.HostPort || lbl["scenario"] != "default" {
		t.Fatalf("labels %v", lbl)
	}
	typos, res := sum(`k6_neo4j_queries_total{name="prom-typo",error_code="Neo.ClientError.Statement.SyntaxError"}`)
	if int(typos) != 30 || len(res) != 1 || res[0].Metric["status"] != "error" {
		t.Fatalf("prom-typo: %v %v, want 30 failed queries with their code", typos, res)
	}
	if p99, _ := sum(`k6_neo4j_query_duration_p99{name="prom-read"}`); p99 <= 0 || p99 > 10 {
		t.Fatalf("p99 of prom-read %v s, want a positive number of seconds", p99)
	}
	if rate, _ := sum(`k6_neo4j_query_failed_rate{name="prom-typo"}`); rate != 1 {
		t.Fatalf("failed rate of prom-typo %v, want 1", rate)
	}
}
