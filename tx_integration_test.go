package neo4j_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

func TestWriteTxRunsSeveralQueriesInOneTransaction(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
var label = 'Tx' + Date.now();
var out = db.writeTx(function (tx) {
  tx.run('CREATE (:' + label + ' {n: 1})');
  var r = tx.run('CREATE (:' + label + ' {n: 2}) WITH 1 AS x MATCH (m:' + label + ') RETURN count(m) AS c', {}, {tags: {name: 'count-in-tx'}});
  return r.records[0].c;
}, {tags: {name: 'two-creates'}});
var after = db.read('MATCH (m:' + label + ') RETURN count(m) AS c').records[0].c;
var rolledBack;
try {
  db.writeTx(function (tx) { tx.run('CREATE (:' + label + ' {n: 3})'); throw new Error('changed my mind'); });
} catch (e) { rolledBack = e.message; }
var final = db.read('MATCH (m:' + label + ') RETURN count(m) AS c').records[0].c;
db.write('MATCH (m:' + label + ') DELETE m');
[out, after, final, /changed my mind/.test(rolledBack)].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "2,2,2,true" {
		t.Fatalf("got %s, want 2,2,2,true (the tx saw its own writes, committed both, rolled back on a JS exception)", v)
	}
	ss := vu.Samples()
	var txd, retries []metrics.Sample
	names := map[string]bool{}
	for _, s := range ss {
		switch s.Metric.Name {
		case "neo4j_tx_duration":
			txd = append(txd, s)
		case "neo4j_tx_retries":
			retries = append(retries, s)
		case "neo4j_queries":
			n, _ := s.Tags.Get("name")
			names[n] = true
		}
	}
	if len(txd) != 2 || len(retries) != 2 {
		t.Fatalf("tx samples: %d durations, %d retries; want 2 each", len(txd), len(retries))
	}
	if n, _ := txd[0].Tags.Get("name"); n != "two-creates" {
		t.Fatalf("tx name tag %q", n)
	}
	if st, _ := txd[1].Tags.Get("status"); st != "error" {
		t.Fatalf("the rolled-back tx has status %q, want error", st)
	}
	if !names["count-in-tx"] {
		t.Fatalf("tx.run's own name tag missing from queries: %v", names)
	}
}

func TestNestedCallsInsideATransactionAreRefused(t *testing.T) {
	vu, _, _ := newVU(t, "")
	_, err := vu.Run(`db.writeTx(function (tx) { db.read('RETURN 1'); })`)
	if err == nil || !strings.Contains(err.Error(), "read() cannot be called inside writeTx()") {
		t.Fatalf("got %v", err)
	}
}

// twoVUs makes two VUs of one run (one root module: one pool), each with db connected and a
// global pause(ms), and returns them in VU context.
func twoVUs(t *testing.T, connectOpts string) (*modulestest.VU, *modulestest.VU) {
	t.Helper()
	srv := testenv.RequireNeo4j(t)
	root := neo4j.New()
	t.Cleanup(func() { _ = root.Close() })
	var vus [2]*modulestest.VU
	for i := range vus {
		vu := modulestest.NewVU(t)
		vu.Import("neo4j", root)
		_ = vu.RT.Set("pause", func(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) })
		_ = vu.RT.Set("URI", srv.URI)
		_ = vu.RT.Set("PW", srv.Password)
		if _, err := vu.Run(`var db = neo4j.connect(URI, ` + connectOpts + `)`); err != nil {
			t.Fatal(err)
		}
		vu.MoveToVUContext()
		vus[i] = vu
	}
	return vus[0], vus[1]
}

// runBoth runs one script in each VU at the same time, each on its own goroutine.
func runBoth(a, b *modulestest.VU, srcA, srcB string) (va, vb string, errA, errB error) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		v, err := a.Run(srcA)
		errA = err
		if err == nil {
			va = v.String()
		}
	}()
	go func() {
		defer wg.Done()
		v, err := b.Run(srcB)
		errB = err
		if err == nil {
			vb = v.String()
		}
	}()
	wg.Wait()
	return va, vb, errA, errB
}

func TestWriteTxIsRetriedAsAUnitAfterADeadlock(t *testing.T) {
	a, b := twoVUs(t, `{password: PW}`)
	label := fmt.Sprintf("Dl%d", time.Now().UnixNano())
	if _, err := a.Run(`db.write('CREATE (:` + label + ` {k: 1}), (:` + label + ` {k: 2})')`); err != nil {
		t.Fatal(err)
	}
	a.Samples()
	// A locks node 1 and pauses; meanwhile B locks node 2 and waits for node 1; then A asks
	// for node 2: the server detects the deadlock and fails one of them with a transient
	// error, which is retried as a whole (the function runs again, without the pauses) and
	// goes through once the other commits.
	tx := func(first, second, before, between int) string {
		return fmt.Sprintf(`var attempts = 0;
db.writeTx(function (tx) {
  attempts++;
  if (attempts === 1) pause(%[4]d);
  tx.run('MATCH (n:%[1]s {k: %[2]d}) SET n.v = 1');
  if (attempts === 1) pause(%[5]d);
  tx.run('MATCH (n:%[1]s {k: %[3]d}) SET n.v = 2');
}, {tags: {name: 'lock-%[2]d-%[3]d'}});
attempts`, label, first, second, before, between)
	}
	va, vb, errA, errB := runBoth(a, b, tx(1, 2, 0, 400), tx(2, 1, 150, 0))
	if errA != nil || errB != nil {
		t.Fatalf("errors: %v / %v", errA, errB)
	}
	if !(va == "1" && vb == "2" || va == "2" && vb == "1") {
		t.Fatalf("attempts %s and %s: want one transaction to run once and the other twice", va, vb)
	}
	var retries float64
	var deadlockSeen bool
	for _, vu := range []*modulestest.VU{a, b} {
		for _, s := range vu.Samples() {
			switch s.Metric.Name {
			case "neo4j_tx_retries":
				retries += s.Value
			case "neo4j_queries":
				if c, _ := s.Tags.Get("error_code"); c == "Neo.TransientError.Transaction.DeadlockDetected" {
					deadlockSeen = true
				}
			}
		}
	}
	if retries != 1 || !deadlockSeen {
		t.Fatalf("neo4j_tx_retries %v (want 1), deadlock error counted: %v", retries, deadlockSeen)
	}
	_, _ = a.Run(`db.write('MATCH (n:` + label + `) DELETE n')`)
}

func TestPoolExhaustionIsACountedErrorWithinTheAcquisitionTimeout(t *testing.T) {
	a, b := twoVUs(t, `{password: PW, maxConnectionPoolSize: 1, connectionAcquisitionTimeout: 300}`)
	_, vb, errA, errB := runBoth(a, b,
		`db.readTx(function (tx) { tx.run('RETURN 1'); pause(2000); }); 'held'`,
		`pause(200); var t0 = Date.now(); var code; try { db.read('RETURN 2'); } catch (e) { code = e.code; } code + ' after ' + (Date.now() - t0) + 'ms'`)
	if errA != nil || errB != nil {
		t.Fatalf("errors: %v / %v", errA, errB)
	}
	var code string
	var took int
	if _, err := fmt.Sscanf(vb, "%s after %dms", &code, &took); err != nil {
		t.Fatalf("unexpected result %q", vb)
	}
	if code != neo4j.CodePoolExhausted || took < 250 || took > 1500 {
		t.Fatalf("got %q: want %s after about 300 ms (the acquisition timeout), not a silent retry", vb, neo4j.CodePoolExhausted)
	}
	failed := 0
	for _, s := range b.Samples() {
		if s.Metric.Name == "neo4j_query_failed" && s.Value == 1 {
			if c, _ := s.Tags.Get("error_code"); c == neo4j.CodePoolExhausted {
				failed++
			}
		}
	}
	if failed != 1 {
		t.Fatalf("pool exhaustion counted %d times, want 1", failed)
	}
}
