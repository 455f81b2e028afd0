// Package execution runs a test's scenarios: the scheduler starts each scenario at its
// startTime, its executor drives VUs through iterations, and gracefulStop gives running
// iterations time to finish before they are interrupted.
//
// Two contexts steer every run: the graceful one, whose end means "start no new iterations"
// (a scenario's own end, or the first Ctrl-C), and the hard one, whose end interrupts the
// script where it is (gracefulStop expired, or the second Ctrl-C).
package execution

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// VU is what executors drive.
type VU interface {
	// Activate readies the VU for a scenario: its tags and the setup data.
	Activate(tags *metrics.TagSet, setupJSON string) error
	// Iteration runs the exported function exec once; ctx's end interrupts it.
	Iteration(ctx context.Context, exec string) error
}

// Progress is a scenario's live state, for progress lines and the summary.
type Progress struct {
	Name        string
	Scenario    options.Scenario
	Started     atomic.Int64 // unix nanos, 0 until the scenario starts
	Ended       atomic.Int64
	ActiveVUs   atomic.Int64
	Iterations  atomic.Int64 // completed
	Interrupted atomic.Int64
	// Dropped counts the arrival-rate iterations that were due when no VU was free.
	Dropped atomic.Int64
	// started hands out the instance's scenario-wide iteration numbers (k6/execution's
	// scenario.iterationInInstance); iterations numbers them across the instances of an
	// execution segment sequence (scenario.iterationInTest).
	started    atomic.Int64
	iterations *options.Tuple
}

// ScenarioInfo is what a VU may know of the scenario it runs for; k6/execution shows it.
type ScenarioInfo struct {
	Name, Executor string
	StartTime      time.Time
	// Env is the scenario's `env`, added to the script's __ENV while the VU runs for it.
	Env map[string]string
	// NextIteration numbers an iteration about to start, from 0, across the scenario's VUs.
	NextIteration func() int64
	// IterationInTest turns such a number into the iteration's number across every instance of
	// an execution segment sequence; nil is the same number (a whole test).
	IterationInTest func(inInstance int64) int64
	// Progress is the share of the scenario done, from 0 to 1.
	Progress func() float64
}

// ScenarioAware is a VU that wants to know its scenario.
type ScenarioAware interface {
	SetScenario(ScenarioInfo)
}

// info describes the scenario to its VUs.
func (p *Progress) info() ScenarioInfo {
	return ScenarioInfo{
		Name: p.Name, Executor: p.Scenario.Executor, StartTime: time.Unix(0, p.Started.Load()), Env: p.Scenario.Env,
		NextIteration:   func() int64 { return p.started.Add(1) - 1 },
		IterationInTest: p.iterations.Global,
		Progress: func() float64 {
			if p.Ended.Load() != 0 {
				return 1
			}
			total := p.Scenario.MaxTime() - p.Scenario.GracefulStop.D()
			if total <= 0 {
				return 0
			}
			return min(1, float64(time.Since(time.Unix(0, p.Started.Load())))/float64(total))
		},
	}
}

// Scheduler runs the scenarios of one test.
type Scheduler struct {
	Options   options.Options
	VUs       *Pool
	SetupJSON string
	Builtin   *builtin.Metrics
	Samples   chan<- metrics.SampleContainer
	// BaseTags are the run's tags (options.tags); scenario tags and `scenario` are added.
	BaseTags *metrics.TagSet

	progress []*Progress
	active   atomic.Int64
	peak     atomic.Int64 // most VUs active since the last vus sample
	maxVUs   int64

	// external holds the running externally-controlled scenarios, for SetVUs.
	externalMu sync.Mutex
	external   map[string]*externalControl

	// segment is the execution segment the run does its part of (Options.Tuple); nil is the
	// whole test.
	segment *options.Tuple
}

// NewScheduler prepares a run; Progress is available from here on.
func NewScheduler(o options.Options, vus *Pool, bm *builtin.Metrics, samples chan<- metrics.SampleContainer, base *metrics.TagSet) *Scheduler {
	s := &Scheduler{Options: o, VUs: vus, Builtin: bm, Samples: samples, BaseTags: base, segment: o.Tuple()}
	for _, n := range o.ScenarioNames() {
		p := &Progress{Name: n, Scenario: o.Scenarios[n], iterations: iterationTuple(o.Scenarios[n], s.segment)}
		s.progress = append(s.progress, p)
	}
	s.maxVUs = int64(vus.Size())
	return s
}

// Progress returns every scenario's live state, in start order.
func (s *Scheduler) Progress() []*Progress { return s.progress }

// ActiveVUs is how many VUs run an iteration loop now.
func (s *Scheduler) ActiveVUs() int64 { return s.active.Load() }

// MaxVUs is how many VUs the run initialised.
func (s *Scheduler) MaxVUs() int64 { return s.maxVUs }

// Run runs every scenario and returns when all have ended.
func (s *Scheduler) Run(graceful, hard context.Context) error {
	start := time.Now()
	tickerDone := make(chan struct{})
	var tickerWG sync.WaitGroup
	tickerWG.Add(1)
	go func() {
		defer tickerWG.Done()
		s.reportVUs(tickerDone)
	}()
	var wg sync.WaitGroup
	errs := make([]error, len(s.progress))
	for i, p := range s.progress {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait := p.Scenario.StartTime.D() - time.Since(start)
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-graceful.Done():
					t.Stop()
					return
				}
			}
			errs[i] = s.runScenario(graceful, hard, p)
		}()
	}
	wg.Wait()
	close(tickerDone)
	tickerWG.Wait()
	return errors.Join(errs...)
}

// reportVUs pushes the vus and vus_max gauges once a second, as k6 does.
// The value is the most VUs active at once during the second, so a VU that ran between two
// ticks (a test shorter than a second) still shows.
func (s *Scheduler) reportVUs(done <-chan struct{}) {
	push := func() {
		now := time.Now()
		metrics.PushIfNotDone(context.Background(), s.Samples, metrics.Samples{
			{Metric: s.Builtin.VUs, Tags: s.BaseTags, Time: now, Value: float64(s.peak.Swap(s.active.Load()))},
			{Metric: s.Builtin.VUsMax, Tags: s.BaseTags, Time: now, Value: float64(s.maxVUs)},
		})
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			push()
		case <-done:
			push()
			return
		}
	}
}

// vuActive counts a VU in or out of the active ones, keeping the peak reportVUs shows.
func (s *Scheduler) vuActive(delta int64) {
	a := s.active.Add(delta)
	for p := s.peak.Load(); a > p && !s.peak.CompareAndSwap(p, a); p = s.peak.Load() {
	}
}

func (s *Scheduler) runScenario(graceful, hard context.Context, p *Progress) error {
	sc := p.Scenario
	p.Started.Store(time.Now().UnixNano())
	defer func() { p.Ended.Store(time.Now().UnixNano()) }()
	if !hasWork(sc, s.segment) {
		return nil // none of the scenario's VUs (so none of its work) is this segment's
	}
	// group "" is the root group: k6 tags every sample of an iteration with its group, the
	// root one included, and --out json readers rely on the key being there.
	tags := s.BaseTags.WithMap(sc.Tags).With("scenario", p.Name).With("group", "")
	run := &scenarioRun{sched: s, progress: p, tags: tags}
	switch sc.Executor {
	case options.SharedIterations:
		return run.sharedIterations(graceful, hard)
	case options.PerVUIterations:
		return run.perVUIterations(graceful, hard)
	case options.ConstantVUs:
		return run.constantVUs(graceful, hard)
	case options.RampingVUs:
		return run.rampingVUs(graceful, hard)
	case options.ConstantArrivalRate:
		return run.constantArrivalRate(graceful, hard)
	case options.RampingArrivalRate:
		return run.rampingArrivalRate(graceful, hard)
	case options.ExternallyControlled:
		return run.externallyControlled(graceful, hard)
	}
	return fmt.Errorf("scenario %q: the %s executor is not implemented yet", p.Name, sc.Executor)
}

// scenarioRun is one scenario while it runs.
type scenarioRun struct {
	sched    *Scheduler
	progress *Progress
	tags     *metrics.TagSet
}

// deadlines returns the context that ends new iterations after d and the one that
// interrupts running iterations gracefulStop later.
func (r *scenarioRun) deadlines(graceful, hard context.Context, d time.Duration) (context.Context, context.Context, func()) {
	runCtx, cancelRun := context.WithTimeout(graceful, d)
	hardCtx, cancelHard := context.WithTimeout(hard, d+r.progress.Scenario.GracefulStop.D())
	// The first Ctrl-C (graceful's end) also starts the gracefulStop countdown.
	stop := context.AfterFunc(graceful, func() {
		t := time.AfterFunc(r.progress.Scenario.GracefulStop.D(), cancelHard)
		context.AfterFunc(hardCtx, func() { t.Stop() })
	})
	return runCtx, hardCtx, func() { stop(); cancelRun(); cancelHard() }
}

// withVUs takes n VUs from the pool, activates them and runs loop in each, returning them
// when all loops end.
func (r *scenarioRun) withVUs(n int64, loop func(i int64, vu VU)) error {
	vus, err := r.takeVUs(n)
	if err != nil {
		return err
	}
	defer r.sched.VUs.Return(vus)
	var wg sync.WaitGroup
	for i, vu := range vus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.vuUp()
			defer r.vuDown()
			loop(int64(i), vu)
		}()
	}
	wg.Wait()
	return nil
}

// iterate runs one iteration and keeps the scenario's counts. It reports false when the
// iteration was interrupted, so loops stop.
func (r *scenarioRun) iterate(hard context.Context, vu VU) bool {
	start := time.Now()
	err := vu.Iteration(hard, r.progress.Scenario.Exec)
	if errors.Is(err, ErrInterrupted) {
		r.progress.Interrupted.Add(1)
		return false
	}
	r.progress.Iterations.Add(1)
	r.minIterationPause(hard, start)
	return true
}

// minIterationPause makes a whole iteration that began at start and ended sooner than
// minIterationDuration wait out the rest before the VU goes on, as k6 does: the option paces
// each VU. The wait is not part of iteration_duration, and a hard stop (gracefulStop
// expired, Ctrl-C) ends it at once.
func (r *scenarioRun) minIterationPause(hard context.Context, start time.Time) {
	m := r.sched.Options.MinIterationDuration
	if m == nil || *m <= 0 {
		return
	}
	rest := m.D() - time.Since(start)
	if rest <= 0 {
		return
	}
	t := time.NewTimer(rest)
	defer t.Stop()
	select {
	case <-t.C:
	case <-hard.Done():
	}
}

// ErrInterrupted is what a VU returns for an iteration that a hard stop cut short; such an
// iteration is not counted.
var ErrInterrupted = errors.New("iteration interrupted")
