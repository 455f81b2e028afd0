package cmd

import (
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
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
export default function () {
  const r = db.read('RETURN $x AS x', { x: __ITER });
  check(r, { 'one record': (r) => r.count === 1 && r.records[0].x === __ITER });
}`
	r := runScriptWith(t, src, neo4jEnv(srv), c.modules)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "neo4j_queries"); n != 1000 {
		t.Fatalf("neo4j_queries %d, want 1000", n)
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

func TestTwoIdentitiesTwoDrivers(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	c := &driverCounter{}
	src := `
import neo4j from 'k6/x/neo4j';
export const options = { vus: 20, iterations: 100 };
const a = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
const b = neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest2', password: __ENV.NEO4J_PASSWORD });
export default function () { a.read('RETURN 1'); b.read('RETURN 2'); }
export function teardown() { a.close(); b.close(); }`
	r := runScriptWith(t, src, neo4jEnv(srv), c.modules)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	created, closed, open := c.roots[0].Pool().Stats()
	if c.made.Load() != 2 || created != 2 || closed != 2 || open != 0 {
		t.Fatalf("made %d; created %d closed %d open %d; want two drivers, both closed", c.made.Load(), created, closed, open)
	}
	if n := summaryCount(t, r.stdout, "neo4j_queries"); n != 200 {
		t.Fatalf("neo4j_queries %d, want 200", n)
	}
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
