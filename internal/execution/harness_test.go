package execution

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The tests run the scheduler inside testing/synctest bubbles: time is virtual, so a 30s
// schedule runs in milliseconds, and the same run gives the same numbers every time.

// iterTime says how long the n-th iteration (from 0) of VU vu takes.
type iterTime func(vu, n int) time.Duration

// each is an iterTime where every iteration takes d.
func each(d time.Duration) iterTime { return func(int, int) time.Duration { return d } }

// fakeVU is a VU whose iterations sleep, interruptibly, for what its recorder says, and which
// records when each iteration starts.
type fakeVU struct {
	id  int
	rec *recorder
}

var _ VU = (*fakeVU)(nil)

func (v *fakeVU) Activate(*metrics.TagSet, string) error { return nil }

func (v *fakeVU) Iteration(ctx context.Context, _ string) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	d := v.rec.begin(v.id)
	defer v.rec.end()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ErrInterrupted
	}
}

// recorder is shared by the fake VUs of one run.
type recorder struct {
	dur iterTime

	mu         sync.Mutex
	starts     [][]time.Time // per VU
	running    int
	maxRunning int
	returned   bool // Run has returned
	late       int  // iterations started after that
}

func (rec *recorder) begin(vu int) time.Duration {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := len(rec.starts[vu])
	rec.starts[vu] = append(rec.starts[vu], time.Now())
	rec.running++
	rec.maxRunning = max(rec.maxRunning, rec.running)
	if rec.returned {
		rec.late++
	}
	return rec.dur(vu, n)
}

func (rec *recorder) end() {
	rec.mu.Lock()
	rec.running--
	rec.mu.Unlock()
}

// allStarts returns every iteration's start time, across VUs, unsorted.
func (rec *recorder) allStarts() []time.Time {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var all []time.Time
	for _, s := range rec.starts {
		all = append(all, s...)
	}
	return all
}

func (rec *recorder) startsOf(vu int) []time.Time {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]time.Time(nil), rec.starts[vu]...)
}

// testRun is a scheduler over fake VUs, with a goroutine collecting what it pushes.
type testRun struct {
	t     *testing.T
	sched *Scheduler
	rec   *recorder
	bm    *builtin.Metrics
	begin time.Time // when start was called

	samples chan metrics.SampleContainer
	drained chan struct{}
	mu      sync.Mutex
	got     []metrics.Sample

	runErr  error
	elapsed time.Duration
	done    chan struct{}
}

// newTestRun resolves the options as the CLI does and gives the pool as many VUs as the
// scenarios' PeakVUs add up to, as the host does.
func newTestRun(t *testing.T, optsJSON string, dur iterTime) *testRun {
	t.Helper()
	o, err := options.FromJSON([]byte(optsJSON))
	if err != nil {
		t.Fatalf("options: %v", err)
	}
	if o, err = o.Resolve(); err != nil {
		t.Fatalf("options: %v", err)
	}
	var n int64
	for _, s := range o.Scenarios {
		n += s.PeakVUs()
	}
	rec := &recorder{dur: dur, starts: make([][]time.Time, n)}
	vus := make([]VU, n)
	for i := range vus {
		vus[i] = &fakeVU{id: i, rec: rec}
	}
	bm, err := builtin.Register(metrics.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	r := &testRun{t: t, rec: rec, bm: bm, samples: make(chan metrics.SampleContainer, 1024),
		drained: make(chan struct{}), done: make(chan struct{})}
	r.sched = NewScheduler(o, NewPool(vus), bm, r.samples, metrics.NewTagSet(map[string]string{"run": "test"}))
	go func() {
		defer close(r.drained)
		for c := range r.samples {
			r.mu.Lock()
			r.got = append(r.got, c.GetSamples()...)
			r.mu.Unlock()
		}
	}()
	return r
}

// start runs the scheduler in the background.
func (r *testRun) start(graceful, hard context.Context) {
	r.begin = time.Now()
	go func() {
		defer close(r.done)
		r.runErr = r.sched.Run(graceful, hard)
		r.elapsed = time.Since(r.begin)
		r.rec.mu.Lock()
		r.rec.returned = true
		r.rec.mu.Unlock()
	}()
}

// wait waits for Run to return, then checks that nothing of it keeps running: an hour of
// virtual time later no iteration has started and none is running. (synctest itself fails
// the test if a goroutine of the run is left blocked.)
func (r *testRun) wait() error {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(runLimit):
		// The scheduler's vus ticker keeps virtual time going, so synctest cannot see the
		// stuck goroutine as a deadlock; and t.Fatal would leave the bubble hanging.
		panic(fmt.Sprintf("%s: Run did not return within %v of virtual time: a goroutine of the run is stuck", r.t.Name(), runLimit))
	}
	time.Sleep(time.Hour)
	synctest.Wait()
	r.rec.mu.Lock()
	late, running := r.rec.late, r.rec.running
	r.rec.mu.Unlock()
	if late != 0 || running != 0 {
		r.t.Errorf("after Run returned: %d iterations started, %d still running; want none", late, running)
	}
	if a := r.sched.ActiveVUs(); a != 0 {
		r.t.Errorf("after Run returned: ActiveVUs = %d, want 0", a)
	}
	close(r.samples)
	<-r.drained
	return r.runErr
}

// runLimit is longer than any run of these tests, in virtual time.
const runLimit = 10 * time.Minute

// run runs the scheduler to its end with contexts that are never cancelled.
func (r *testRun) run() error {
	r.t.Helper()
	r.start(context.Background(), context.Background())
	return r.wait()
}

// at sleeps until d after start and lets every goroutine of the run settle.
func (r *testRun) at(d time.Duration) {
	time.Sleep(time.Until(r.begin.Add(d)))
	synctest.Wait()
}

// samplesOf returns the samples of metric m pushed so far.
func (r *testRun) samplesOf(m *metrics.Metric) []metrics.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []metrics.Sample
	for _, s := range r.got {
		if s.Metric == m {
			out = append(out, s)
		}
	}
	return out
}

// progress returns the progress of the named scenario.
func (r *testRun) progress(name string) *Progress {
	for _, p := range r.sched.Progress() {
		if p.Name == name {
			return p
		}
	}
	r.t.Fatalf("no scenario %q", name)
	return nil
}

// within reports whether got is within frac of want.
func within(got, want int64, frac float64) bool {
	d := float64(got - want)
	return d <= frac*float64(want) && -d <= frac*float64(want)
}
