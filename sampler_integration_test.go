package neo4j

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// samplerRun is a run of a few VUs on one root module, as the host makes them: every VU's
// init environment has the run-wide sample stream (collected here) and a logger (kept).
type samplerRun struct {
	root *RootModule
	srv  testenv.Neo4j
	vus  []*modulestest.VU
	log  testenv.SyncBuffer

	mu        sync.Mutex
	collected []metrics.Sample
	stopped   chan struct{}
}

// newSamplerRun imports the module in n VUs, connects each (in init) with connectOpts, and
// moves them to the VU context. setup, when not nil, runs on the root before any import.
func newSamplerRun(t testing.TB, n int, connectOpts string, setup func(*RootModule)) *samplerRun {
	t.Helper()
	r := &samplerRun{root: New(), srv: testenv.RequireNeo4j(t), stopped: make(chan struct{})}
	if setup != nil {
		setup(r.root)
	}
	samples := make(chan metrics.SampleContainer, 1024)
	done := make(chan struct{})
	go func() {
		defer close(r.stopped)
		for {
			select {
			case c := <-samples:
				r.mu.Lock()
				r.collected = append(r.collected, c.GetSamples()...)
				r.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	t.Cleanup(func() { close(done); <-r.stopped })
	t.Cleanup(func() { _ = r.root.Close() })
	for range n {
		vu := modulestest.NewVU(t)
		env := vu.InitEnv()
		env.Samples = samples
		env.Logger = slog.New(slog.NewTextHandler(&r.log, nil))
		vu.Import("neo4j", r.root)
		vu.Env["TEST_URI"] = r.srv.URI
		vu.Env["TEST_PW"] = r.srv.Password
		_ = vu.RT.Set("__ENV", vu.Env)
		if _, err := vu.Run(`var db = neo4j.connect(__ENV.TEST_URI, ` + connectOpts + `)`); err != nil {
			t.Fatalf("connect: %v", err)
		}
		vu.MoveToVUContext()
		r.vus = append(r.vus, vu)
	}
	return r
}

// series returns the sampler's samples of one metric so far.
func (r *samplerRun) series(name string) []metrics.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []metrics.Sample
	for _, s := range r.collected {
		if s.Metric.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// waitFor polls until the metric has n samples, for at most limit.
func (r *samplerRun) waitFor(t *testing.T, name string, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for len(r.series(name)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d samples of %s after %s, want %d\nlog:\n%s", len(r.series(name)), name, limit, n, r.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// end discards the VUs and closes the module, as the host does at the end of a run.
func (r *samplerRun) end() {
	for _, vu := range r.vus {
		vu.Discard()
	}
	_ = r.root.Close()
}

// samplerGoroutines counts the goroutines running a sampler.
func samplerGoroutines() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "(*sampler).run(")
}

// A write load from 4 VUs for 8 s with serverMetrics: '1s': every server metric gets a
// reading a second, the server's CPU rises above its idle reading, no more transactions run
// than there are VUs, and the readings never count as queries. Once the VUs end and the
// module closes, the sampler is gone.
func TestServerMetricsDuringAWriteLoad(t *testing.T) {
	const vus = 4
	r := newSamplerRun(t, vus, `{user: 'neo4j', password: __ENV.TEST_PW, serverMetrics: '1s'}`, nil)
	label := fmt.Sprintf("SamplerLoad%d", time.Now().UnixNano())
	t.Cleanup(func() { deleteLabel(t, r.srv, label) })

	foreign := testenv.WatchForeignTransactions(t, r.srv, label)
	// Idle: the first reading is taken at connect(), then one a second.
	r.waitFor(t, "neo4j_server_cpu", 3, 10*time.Second)
	loadStart := time.Now()
	counts := make([]int64, vus)
	errs := make([]error, vus)
	var wg sync.WaitGroup
	for i, vu := range r.vus {
		wg.Go(func() {
			v, err := vu.Run(`
				var n = 0, end = Date.now() + 8000;
				while (Date.now() < end) {
					db.write('UNWIND range(1, 20) AS i CREATE (:` + label + ` {i: i, vu: $vu})', {vu: ` + fmt.Sprint(i) + `},
						{metadata: {xk6test: '` + label + `'}});
					n++;
				}
				n`)
			errs[i] = err
			if err == nil {
				counts[i] = v.ToInteger()
			}
		})
	}
	wg.Wait()
	loadEnd := time.Now()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var writes int64
	queries := 0
	for i, vu := range r.vus {
		writes += counts[i]
		for _, s := range vu.Samples() {
			if s.Metric.Name == "neo4j_queries" {
				queries++
			}
		}
	}
	if int64(queries) != writes {
		t.Fatalf("neo4j_queries has %d samples for %d writes: the sampler's queries must not count", queries, writes)
	}

	r.end()
	deadline := time.Now().Add(5 * time.Second)
	for samplerGoroutines() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("a sampler goroutine is left after the pool closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Nothing more comes once the sampler is stopped.
	before := len(r.series("neo4j_server_cpu"))
	time.Sleep(1500 * time.Millisecond)
	if after := len(r.series("neo4j_server_cpu")); after != before {
		t.Fatalf("%d readings after the pool closed", after-before)
	}

	identity := "neo4j@" + r.srv.HostPort
	for _, name := range []string{"neo4j_server_cpu", "neo4j_server_heap_used_bytes", "neo4j_server_heap_max_bytes",
		"neo4j_server_gc_seconds", "neo4j_server_gc_count", "neo4j_server_threads",
		"neo4j_server_transactions_running", "neo4j_server_transaction_longest"} {
		ss := r.series(name)
		// 3 idle and 8 s of load at one a second; a reading may miss its timeout on a loaded machine.
		if len(ss) < 6 {
			t.Errorf("%s: %d readings, want at least 6; log:\n%s", name, len(ss), r.log.String())
			continue
		}
		for _, s := range ss {
			if tags := s.Tags.Map(); tags["identity"] != identity || tags["db"] != "neo4j" || len(tags) != 2 {
				t.Fatalf("%s tags %v, want identity %s and db neo4j", name, tags, identity)
			}
			if s.Value < 0 {
				t.Fatalf("%s: negative reading %v", name, s.Value)
			}
		}
	}
	if n := len(r.series("neo4j_server_page_cache_hits")); n != 0 {
		t.Errorf("Community has no page cache beans, yet %d readings", n)
	}

	idleMin, loadMax := 2.0, -1.0
	for _, s := range r.series("neo4j_server_cpu") {
		switch {
		case s.Time.Before(loadStart):
			idleMin = min(idleMin, s.Value)
		case s.Time.After(loadStart.Add(time.Second)) && !s.Time.After(loadEnd):
			loadMax = max(loadMax, s.Value)
		}
		if s.Value > 1 {
			t.Fatalf("CPU load %v above 1: it is a fraction", s.Value)
		}
	}
	t.Logf("server CPU: idle min %.3f, max under load %.3f; %d writes", idleMin, loadMax, writes)
	// ProcessCpuLoad is noisy on a small, shared machine: ask for a clear rise, not a number.
	if loadMax < idleMin+0.05 {
		t.Errorf("server CPU under load (max %.3f) is not clearly above idle (min %.3f)", loadMax, idleMin)
	}
	// Another test's load on the same server (go test runs packages in parallel) counts in
	// the server's running transactions: the bound is the VUs plus the most of those seen.
	others := foreign()
	if others > 0 {
		t.Logf("up to %d transactions of other tests ran meanwhile: the bound is %d", others, vus+others)
	}
	for _, s := range r.series("neo4j_server_transactions_running") {
		if s.Value > float64(vus+others) {
			t.Errorf("%v transactions running at %s, more than the %d VUs (+%d of other tests)", s.Value, s.Time.Format(time.TimeOnly), vus, others)
		}
	}
	used, maxHeap := r.series("neo4j_server_heap_used_bytes"), r.series("neo4j_server_heap_max_bytes")
	if used[0].Value <= 0 || used[0].Value > maxHeap[0].Value {
		t.Errorf("heap used %v, max %v", used[0].Value, maxHeap[0].Value)
	}
	if strings.Contains(r.log.String(), "level=WARN") {
		t.Errorf("warnings from a sampler that has every right:\n%s", r.log.String())
	}
}

// A part the server refuses (here a procedure it does not have, in place of dbms.queryJmx)
// is named in one warning; the other readings and the VUs' queries go on.
func TestServerMetricsRefusedPartIsNamedOnceAndTheRunGoesOn(t *testing.T) {
	r := newSamplerRun(t, 1, `{user: 'neo4j', password: __ENV.TEST_PW, serverMetrics: 200}`, func(root *RootModule) {
		q := defaultSamplerQueries
		q.JMX = "CALL dbms.noSuchProcedure()"
		root.pool.samplerQueries = &q
	})
	r.waitFor(t, "neo4j_server_transactions_running", 5, 10*time.Second)
	if v, err := r.vus[0].Run(`db.read('RETURN 41 + 1 AS x').records[0].x`); err != nil || v.ToInteger() != 42 {
		t.Fatalf("a query after the refusal: %v %v", v, err)
	}
	r.end()
	if n := len(r.series("neo4j_server_cpu")); n != 0 {
		t.Fatalf("%d CPU readings from a refused procedure", n)
	}
	want := "server metrics for neo4j@" + r.srv.HostPort + ": dbms.queryJmx is not available (Neo.ClientError.Procedure.ProcedureNotFound): no CPU, heap, GC or thread readings"
	if n := strings.Count(r.log.String(), want); n != 1 {
		t.Fatalf("want the warning once, got it %d times; log:\n%s", n, r.log.String())
	}
	if strings.Contains(r.log.String(), r.srv.Password) {
		t.Fatal("the password is in the log")
	}
}

// cpuTime is the process's CPU time so far, user and system, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// deleteLabel removes what a test wrote, in batches.
func deleteLabel(t *testing.T, srv testenv.Neo4j, label string) {
	vu := modulestest.NewVU(t)
	root := New()
	defer func() { _ = root.Close() }()
	vu.Import("neo4j", root)
	vu.Env["TEST_URI"], vu.Env["TEST_PW"] = srv.URI, srv.Password
	_ = vu.RT.Set("__ENV", vu.Env)
	if _, err := vu.Run(`var db = neo4j.connect(__ENV.TEST_URI, {user: 'neo4j', password: __ENV.TEST_PW})`); err != nil {
		t.Error(err)
		return
	}
	vu.MoveToVUContext()
	if _, err := vu.Run(`db.run('MATCH (n:` + label + `) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS')`); err != nil {
		t.Error(err)
	}
}

// BenchmarkServerMetricsClientCPU measures the client's CPU time (user + system, from
// getrusage) per read, with the sampler off and with a reading a second: the sampler's cost
// is per second, so it shows per query at the rate one VU reaches. Run it for long enough to
// see several readings, e.g. -benchtime=10s.
func BenchmarkServerMetricsClientCPU(b *testing.B) {
	for _, bc := range []struct{ name, opts string }{
		{"off", `{user: 'neo4j', password: __ENV.TEST_PW}`},
		{"1s", `{user: 'neo4j', password: __ENV.TEST_PW, serverMetrics: '1s'}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newSamplerRun(b, 1, bc.opts, nil)
			vu := r.vus[0]
			if _, err := vu.Run(`function reads(n) { for (var i = 0; i < n; i++) db.read('RETURN $i AS i', {i: i}); }`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := cpuTime()
			for done := 0; done < b.N; {
				n := min(1000, b.N-done)
				if _, err := vu.Run(fmt.Sprintf("reads(%d)", n)); err != nil {
					b.Fatal(err)
				}
				vu.Samples() // keep the VU's channel drained
				done += n
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/query")
		})
	}
}
