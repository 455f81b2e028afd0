package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

type testMetrics struct{ dur, checks, iters *metrics.Metric }

func newMetrics(t testing.TB) testMetrics {
	t.Helper()
	r := metrics.NewRegistry()
	mk := func(name string, typ metrics.MetricType, vt ...metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return testMetrics{mk("neo4j_query_duration", metrics.Trend, metrics.Time), mk("checks", metrics.Rate), mk("iterations", metrics.Counter)}
}

func logger() (*slog.Logger, *testenv.SyncBuffer) {
	var buf testenv.SyncBuffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// countingOutput counts the samples it gets.
type countingOutput struct{ n atomic.Int64 }

func (o *countingOutput) AddSamples(b []metrics.SampleContainer) {
	for _, c := range b {
		o.n.Add(int64(len(c.GetSamples())))
	}
}

// stuckOutput never returns from AddSamples until released: a disk or endpoint that hangs.
type stuckOutput struct {
	release chan struct{}
	entered atomic.Int64
}

func (o *stuckOutput) AddSamples([]metrics.SampleContainer) {
	o.entered.Add(1)
	<-o.release
}

func (o *stuckOutput) Description() string { return "stuck (test)" }

// A check() in handleSummary pushes after the engine stopped: that must neither panic (a
// send on a closed channel) nor block, however many samples come, and they are counted.
func TestPushAfterStopNeitherPanicsNorBlocks(t *testing.T) {
	m := newMetrics(t)
	e := engine.New(16)
	e.Start()
	in := e.In()
	in <- metrics.Sample{Metric: m.iters, Value: 1}
	e.Stop()
	e.Stop()          // twice is fine
	const late = 1000 // far more than the channel's buffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range late / 4 {
				if !metrics.PushIfNotDone(context.Background(), in, metrics.Sample{Metric: m.iters, Value: 1}) {
					t.Error("PushIfNotDone refused a late sample")
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("late pushes blocked")
	}
	if got := e.Snapshot(nil)[0].Values["count"]; got != 1 {
		t.Errorf("iterations = %v: late samples must not change the results, want 1", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.LateSamples() != late && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := e.LateSamples(); got != late {
		t.Errorf("LateSamples = %d, want %d", got, late)
	}
}

// Stop ingests everything pushed before it and hands all of it to the outputs.
func TestStopIngestsAndDeliversEverythingPushedBefore(t *testing.T) {
	m := newMetrics(t)
	var out countingOutput
	e := engine.New(1<<12, &out)
	e.Start()
	const n = 50_000
	for i := range n {
		metrics.PushIfNotDone(context.Background(), e.In(), metrics.Sample{Metric: m.iters, Value: 1, Tags: metrics.NewTagSet(map[string]string{"i": strconv.Itoa(i % 3)})})
	}
	e.Stop()
	if got := e.Snapshot(nil)[0].Values["count"]; got != n {
		t.Errorf("iterations = %v, want %d", got, n)
	}
	if got := out.n.Load(); got != n {
		t.Errorf("output got %d samples, want %d", got, n)
	}
	if d := e.OutputDrops(); len(d) != 0 {
		t.Errorf("drops %v", d)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// 100 000 distinct query and check names (a script naming queries after a parameter) keep
// the per-query table and the checks at the cap plus one "(other)" row, with one warning
// each, and the memory flat.
func TestDistinctNamesAreCapped(t *testing.T) {
	m := newMetrics(t)
	log, logs := logger()
	e := engine.New(1 << 12)
	e.SetLogger(log)
	before := heapInUse()
	e.Start()
	const n = 100_000
	for i := range n {
		name := "q" + strconv.Itoa(i)
		metrics.PushIfNotDone(context.Background(), e.In(), metrics.Samples{
			{Metric: m.dur, Value: float64(i % 100), Tags: metrics.NewTagSet(map[string]string{"name": name, "mode": "read", "status": "ok"})},
			{Metric: m.checks, Value: 1, Tags: metrics.NewTagSet(map[string]string{"check": "c" + strconv.Itoa(i)})},
		})
	}
	e.Stop()
	grown := int64(heapInUse()) - int64(before)
	qs, cs := e.Queries(), e.Checks()
	if len(qs) > engine.MaxQueryNames+1 || len(cs) > engine.MaxChecks+1 {
		t.Fatalf("%d query rows and %d checks, want at most %d and %d", len(qs), len(cs), engine.MaxQueryNames+1, engine.MaxChecks+1)
	}
	var total, other uint64
	for _, q := range qs {
		total += q.Count
		if q.Name == metrics.Other {
			other = q.Count
		}
	}
	if total != n || other != n-engine.MaxQueryNames {
		t.Errorf("the table counts %d queries, %d of them as %q; want %d and %d", total, other, metrics.Other, n, n-engine.MaxQueryNames)
	}
	if last := cs[len(cs)-1]; last.Name != metrics.Other || last.Passes != n-engine.MaxChecks {
		t.Errorf("last check %+v, want %q with %d passes", last, metrics.Other, n-engine.MaxChecks)
	}
	for _, what := range []string{"more than 1000 distinct query names", "more than 1000 distinct checks"} {
		if c := strings.Count(logs.String(), what); c != 1 {
			t.Errorf("%d warnings %q, want one:\n%s", c, what, logs)
		}
	}
	// A row costs a few hundred bytes: 100 000 of them would be tens of MB.
	if grown > 8<<20 {
		t.Errorf("the heap grew by %d MB for 100 000 names", grown>>20)
	}
	runtime.KeepAlive(e)
}

// An output that blocks forever (a hung disk or endpoint) stalls neither the VUs nor the
// other outputs: its samples are dropped and counted, once warned, and named at the end.
func TestStuckOutputDropsItsSamplesAndTheOthersGetEverything(t *testing.T) {
	m := newMetrics(t)
	log, logs := logger()
	stuck := &stuckOutput{release: make(chan struct{})}
	defer close(stuck.release)
	var healthy countingOutput
	e := engine.New(1<<10, stuck, &healthy)
	e.SetLogger(log)
	e.OutputStopTimeout = 200 * time.Millisecond
	e.Start()
	const n = 200_000
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range n {
		if !metrics.PushIfNotDone(ctx, e.In(), metrics.Sample{Metric: m.iters, Value: 1}) {
			t.Fatalf("the VUs were stalled: sample %d could not be pushed within a minute", i)
		}
	}
	stopWithin(t, e, 30*time.Second)
	if got := healthy.n.Load(); got != n {
		t.Errorf("the healthy output got %d samples, want %d", got, n)
	}
	drops := e.OutputDrops()
	if len(drops) != 1 || drops[0].Output != "stuck (test)" || drops[0].Samples == 0 || drops[0].Samples >= n {
		t.Fatalf("drops %+v", drops)
	}
	if c := strings.Count(logs.String(), "output stuck (test) is falling behind"); c != 1 {
		t.Errorf("%d warnings while running, want one:\n%s", c, logs)
	}
	want := fmt.Sprintf("output stuck dropped %d samples (it could not keep up)", drops[0].Samples)
	if !strings.Contains(logs.String(), want) || drops[0].String() != want {
		t.Errorf("no %q in the logs or the summary line %q:\n%s", want, drops[0].String(), logs)
	}
}

// stopWithin stops the engine, failing the test if that hangs (an output that never returns
// must not hold the end of the run).
func stopWithin(t *testing.T, e *engine.Engine, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { e.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("Stop did not return within %v", d)
	}
}

// iterate runs vus goroutines for d, each doing some work and pushing an iteration's samples,
// as VUs do, and returns how many iterations they completed.
func iterate(e *engine.Engine, m testMetrics, vus int, d time.Duration) int64 {
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for range vus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 1.0
			// Past the window a push gives up: a stalled engine then shows as few iterations
			// instead of a hung test.
			ctx, cancel := context.WithDeadline(context.Background(), stop)
			defer cancel()
			for time.Now().Before(stop) {
				for i := range 2000 { // a few microseconds of script work
					x += float64(i) * 1e-9
				}
				if metrics.PushIfNotDone(ctx, e.In(), metrics.Samples{
					{Metric: m.dur, Value: x, Tags: metrics.NewTagSet(map[string]string{"name": "q", "mode": "read", "status": "ok"})},
					{Metric: m.iters, Value: 1},
				}) {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return n.Load()
}

// The iteration rate with an output that blocks forever stays within 5% of the rate with an
// output that takes everything at once. The two runs go side by side, in the same window, so
// that a busy machine slows both alike; a round that misses is repeated a few times.
func TestStuckOutputDoesNotSlowTheVUs(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	m := newMetrics(t)
	stuck := &stuckOutput{release: make(chan struct{})}
	defer close(stuck.release)
	run := func(o engine.Output, n *int64, wg *sync.WaitGroup) {
		defer wg.Done()
		// A small input buffer: without a queue per output, a stuck output fills it within
		// milliseconds and the VUs wait for the rest of the window.
		e := engine.New(1<<10, o)
		e.OutputStopTimeout = 100 * time.Millisecond
		e.Start()
		*n = iterate(e, m, 2, 1500*time.Millisecond)
		stopWithin(t, e, 30*time.Second)
		e.Close()
	}
	var free, blocked int64
	for round := range 5 {
		var wg sync.WaitGroup
		wg.Add(2)
		go run(&countingOutput{}, &free, &wg)
		go run(stuck, &blocked, &wg)
		wg.Wait()
		t.Logf("round %d: iterations in 1.5s: %d with a free output, %d with a stuck one", round, free, blocked)
		if float64(blocked) >= 0.95*float64(free) {
			break
		}
	}
	if stuck.entered.Load() == 0 {
		t.Fatal("the stuck output was never called")
	}
	if float64(blocked) < 0.95*float64(free) {
		t.Fatalf("with a stuck output the VUs ran %d iterations against %d: more than 5%% slower", blocked, free)
	}
}

// Close ends every goroutine the engine started, outputs' included, so that a process running
// many tests in a row (or the worker, test after test) does not accumulate them.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	m := newMetrics(t)
	base := runtime.NumGoroutine()
	e := engine.New(16, &countingOutput{}, &countingOutput{})
	e.Start()
	e.In() <- metrics.Sample{Metric: m.iters, Value: 1}
	e.Stop()
	e.In() <- metrics.Sample{Metric: m.iters, Value: 1} // late
	e.Close()
	e.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		t.Fatalf("%d goroutines left after Close", n-base)
	}
	engine.New(1).Close() // never started: nothing to wait for
}

// The run's duration ends at Stop: per-second rates in the summary must not count the time
// the outputs take to finish afterwards.
func TestElapsedEndsAtStop(t *testing.T) {
	e := engine.New(16)
	e.Start()
	time.Sleep(20 * time.Millisecond)
	e.Stop()
	defer e.Close()
	el := e.Elapsed()
	time.Sleep(50 * time.Millisecond)
	if got := e.Elapsed(); got != el || el < 20*time.Millisecond {
		t.Fatalf("Elapsed %s at Stop, %s later: want it to stay", el, got)
	}
}
