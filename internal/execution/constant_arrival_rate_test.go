package execution

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestConstantArrivals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rate      int64
		unit, end time.Duration
		wantN     int
		wantFirst []time.Duration
		wantLast  time.Duration
	}{
		// k6 starts one at 0 and one at the end itself: rate·duration + 1.
		{"10/s for 2s is 21, as in k6", 10, time.Second, 2 * time.Second, 21,
			[]time.Duration{0, 100 * time.Millisecond}, 2 * time.Second},
		{"fractional spacing, no drift", 3, time.Second, 2 * time.Second, 7,
			[]time.Duration{0, 333333333, 666666666, time.Second, 1333333333}, 2 * time.Second},
		{"200/s for 10s", 200, time.Second, 10 * time.Second, 2001,
			[]time.Duration{0, 5 * time.Millisecond}, 10 * time.Second},
		{"per minute", 30, time.Minute, time.Minute, 31, []time.Duration{0, 2 * time.Second}, time.Minute},
		{"a tick that misses the end", 3, time.Second, 1900 * time.Millisecond, 6, []time.Duration{0}, 1666666666},
		{"huge offsets do not overflow", 1, 24 * time.Hour, 100 * 24 * time.Hour, 101, []time.Duration{0, 24 * time.Hour}, 100 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &constantArrivals{rate: tc.rate, unit: tc.unit, end: tc.end}
			var got []time.Duration
			for {
				at, ok := c.next()
				if !ok {
					break
				}
				got = append(got, at)
			}
			if len(got) != tc.wantN {
				t.Fatalf("%d iterations, want %d", len(got), tc.wantN)
			}
			if !slices.Equal(got[:len(tc.wantFirst)], tc.wantFirst) || got[len(got)-1] != tc.wantLast {
				t.Errorf("offsets %v ... %v, want %v ... %v", got[:len(tc.wantFirst)], got[len(got)-1], tc.wantFirst, tc.wantLast)
			}
		})
	}
}

func TestConstantArrivalRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":200,"duration":"10s",
			"preAllocatedVUs":5,"tags":{"kind":"open"}}}}`, each(10*time.Millisecond))
		p := r.progress("car")
		r.start(context.Background(), context.Background())
		r.at(5 * time.Second)
		if got := p.ActiveVUs.Load(); got != 5 {
			t.Errorf("%d active VUs, want the 5 pre-allocated", got)
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		if got := p.Iterations.Load(); !within(got, 2000, 0.01) {
			t.Errorf("%d iterations, want 2000 ±1%%", got)
		}
		if d := p.Dropped.Load(); d != 0 {
			t.Errorf("%d dropped, want 0", d)
		}
		// Started on schedule, however many VUs: one every 5ms.
		starts := r.rec.allStarts()
		slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
		for i, s := range starts {
			if want := time.Duration(i) * 5 * time.Millisecond; s.Sub(r.begin) != want {
				t.Fatalf("iteration %d started at %v, want %v", i, s.Sub(r.begin), want)
			}
		}
		delays := r.samplesOf(r.bm.IterationStartDelay)
		if len(delays) != len(starts) {
			t.Errorf("%d iteration_start_delay samples for %d iterations started", len(delays), len(starts))
		}
		for _, s := range delays {
			if s.Value != 0 { // virtual time: nothing is ever late
				t.Fatalf("start delay %vms, want 0", s.Value)
			}
			if v, _ := s.Tags.Get("scenario"); v != "car" {
				t.Fatalf("start delay tags %v lack scenario=car", s.Tags)
			}
			if v, _ := s.Tags.Get("kind"); v != "open" {
				t.Fatalf("start delay tags %v lack the scenario's tag kind=open", s.Tags)
			}
		}
		if n := len(r.samplesOf(r.bm.DroppedIterations)); n != 0 {
			t.Errorf("%d dropped_iterations samples, want 0", n)
		}
		if r.elapsed != 10010*time.Millisecond {
			t.Errorf("Run took %v, want 10.01s (the last iteration starts at 10s)", r.elapsed)
		}
	})
}

// TestConstantArrivalRateDrops: 10 iterations/s of 250ms on 2 VUs. Due at 0, 100, 200ms...:
// A takes 0-250, B 100-350, none is free at 200 (dropped), A takes 300, B 400, 500 is
// dropped, and so on: every third is dropped, 33 of the 101 due (the last at 10s).
func TestConstantArrivalRateDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":10,"duration":"10s",
			"preAllocatedVUs":2,"maxVUs":2}}}`, each(250*time.Millisecond))
		if err := r.run(); err != nil {
			t.Fatal(err)
		}
		p := r.progress("car")
		if it, d := p.Iterations.Load(), p.Dropped.Load(); it != 68 || d != 33 {
			t.Errorf("%d iterations, %d dropped; want 68, 33", it, d)
		}
		dropped := r.samplesOf(r.bm.DroppedIterations)
		if len(dropped) != 33 {
			t.Errorf("%d dropped_iterations samples, want 33", len(dropped))
		}
		for _, s := range dropped {
			if v, _ := s.Tags.Get("scenario"); s.Value != 1 || v != "car" {
				t.Fatalf("dropped sample %v %v, want 1 with scenario=car", s.Value, s.Tags)
			}
			if off := s.Time.Sub(r.begin); off%(300*time.Millisecond) != 200*time.Millisecond {
				t.Fatalf("dropped at %v, want at 200ms + k·300ms", off)
			}
		}
		if n := len(r.samplesOf(r.bm.IterationStartDelay)); n != 68 {
			t.Errorf("%d iteration_start_delay samples, want 68 (one per iteration started)", n)
		}
	})
}

// TestConstantArrivalRateMaxVUs: with 1 pre-allocated VU and maxVUs 3, the scenario starts
// more VUs when none is free (the host has initialised them already) and drops nothing.
func TestConstantArrivalRateMaxVUs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":10,"duration":"10s",
			"preAllocatedVUs":1,"maxVUs":3}}}`, each(250*time.Millisecond))
		p := r.progress("car")
		r.start(context.Background(), context.Background())
		for _, c := range []struct {
			at   time.Duration
			want int64
		}{{50 * time.Millisecond, 1}, {150 * time.Millisecond, 2}, {250 * time.Millisecond, 3}, {5 * time.Second, 3}} {
			r.at(c.at)
			if got := p.ActiveVUs.Load(); got != c.want {
				t.Errorf("at %v: %d active VUs, want %d", c.at, got, c.want)
			}
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		if it, d := p.Iterations.Load(), p.Dropped.Load(); it != 101 || d != 0 {
			t.Errorf("%d iterations, %d dropped; want 101, 0", it, d)
		}
		if r.rec.maxRunning != 3 {
			t.Errorf("%d iterations ran at once, want 3", r.rec.maxRunning)
		}
	})
}

// TestConstantArrivalRateGracefulStop: iterations still running gracefulStop after the end,
// or after a stop request, are interrupted; a stop request starts no more iterations.
func TestConstantArrivalRateGracefulStop(t *testing.T) {
	t.Run("end of duration", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":1,"duration":"3s",
				"preAllocatedVUs":5,"gracefulStop":"1s"}}}`, each(10*time.Second))
			if err := r.run(); err != nil {
				t.Fatal(err)
			}
			p := r.progress("car")
			if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 0 || in != 4 {
				t.Errorf("%d iterations, %d interrupted; want 0, 4 (due at 0, 1, 2 and 3s)", it, in)
			}
			if r.elapsed != 4*time.Second {
				t.Errorf("Run took %v, want 4s", r.elapsed)
			}
		})
	})
	t.Run("stop request", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// 100/s of 3s iterations, stopped at 2.055s: iterations due at 0..2.05s start (206);
			// those that started by 1.055s end by 4.055s, within gracefulStop (106); the
			// other 100 are interrupted then.
			r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":100,"duration":"10s",
				"preAllocatedVUs":400,"gracefulStop":"2s"}}}`, each(3*time.Second))
			graceful, stop := context.WithCancel(context.Background())
			defer stop()
			time.AfterFunc(2055*time.Millisecond, stop)
			r.start(graceful, context.Background())
			if err := r.wait(); err != nil {
				t.Fatal(err)
			}
			p := r.progress("car")
			if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 106 || in != 100 {
				t.Errorf("%d iterations, %d interrupted; want 106, 100", it, in)
			}
			if r.elapsed != 4055*time.Millisecond {
				t.Errorf("Run took %v, want 4.055s", r.elapsed)
			}
		})
	})
}

// noopVU does nothing, as fast as it can.
type noopVU struct{}

func (noopVU) Activate(*metrics.TagSet, string) error  { return nil }
func (noopVU) Iteration(context.Context, string) error { return nil }

// BenchmarkConstantArrivalRateLag runs constant-arrival-rate for 2s of real time with a
// no-op VU and reports how late iterations started against their schedule (the
// iteration_start_delay samples): p99 and max in ms, plus dropped iterations per run.
func BenchmarkConstantArrivalRateLag(b *testing.B) {
	for _, rate := range []int{1000, 5000, 10000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			var lags []float64
			var dropped, started int64
			runs := 0
			for b.Loop() {
				o, err := options.FromJSON(fmt.Appendf(nil, `{"scenarios":{"car":{"executor":"constant-arrival-rate",
					"rate":%d,"duration":"2s","preAllocatedVUs":100,"gracefulStop":"1s"}}}`, rate))
				if err != nil {
					b.Fatal(err)
				}
				if o, err = o.Resolve(); err != nil {
					b.Fatal(err)
				}
				vus := make([]VU, o.Scenarios["car"].PeakVUs())
				for i := range vus {
					vus[i] = noopVU{}
				}
				bm, err := builtin.Register(metrics.NewRegistry())
				if err != nil {
					b.Fatal(err)
				}
				samples := make(chan metrics.SampleContainer, 1<<16)
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					for c := range samples {
						for _, s := range c.GetSamples() {
							if s.Metric == bm.IterationStartDelay {
								lags = append(lags, s.Value)
							}
						}
					}
				}()
				s := NewScheduler(o, NewPool(vus), bm, samples, nil)
				if err := s.Run(context.Background(), context.Background()); err != nil {
					b.Fatal(err)
				}
				close(samples)
				wg.Wait()
				p := s.Progress()[0]
				dropped += p.Dropped.Load()
				started += p.Iterations.Load()
				runs++
			}
			slices.Sort(lags)
			if len(lags) == 0 {
				b.Fatal("no iteration_start_delay samples")
			}
			p99 := lags[int(math.Ceil(0.99*float64(len(lags))))-1]
			b.ReportMetric(p99, "p99-lag-ms")
			b.ReportMetric(lags[len(lags)-1], "max-lag-ms")
			b.ReportMetric(float64(dropped)/float64(runs), "dropped/run")
			b.ReportMetric(float64(started)/float64(runs), "iterations/run")
		})
	}
}

// TestArrivalRateHardStop: a hard stop alone (no graceful one first) interrupts the running
// iterations and ends the scenario at once.
func TestArrivalRateHardStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":10,"duration":"1m",
			"preAllocatedVUs":20}}}`, each(time.Second))
		hard, stop := context.WithCancel(context.Background())
		defer stop()
		time.AfterFunc(1050*time.Millisecond, stop)
		r.start(context.Background(), hard)
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		// Due at 0 ... 1.0s: 11 started; the one of 0s ended at 1s, the other 10 are cut at 1.05s.
		p := r.progress("car")
		if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 1 || in != 10 {
			t.Errorf("%d iterations, %d interrupted; want 1, 10", it, in)
		}
		if r.elapsed != 1050*time.Millisecond {
			t.Errorf("Run took %v, want 1.05s", r.elapsed)
		}
	})
}

// TestConstantArrivalRateRealTimeLosesNothing runs 300ms of real time at 5000/s: the
// goroutines race for real, yet every iteration of the schedule is either started or
// dropped (here late wake-ups at the end used to lose a few).
func TestConstantArrivalRateRealTimeLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	o, err := options.FromJSON([]byte(`{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":5000,
		"duration":"300ms","preAllocatedVUs":50,"gracefulStop":"5s"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if o, err = o.Resolve(); err != nil {
		t.Fatal(err)
	}
	vus := make([]VU, 50)
	for i := range vus {
		vus[i] = noopVU{}
	}
	bm, err := builtin.Register(metrics.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	samples := make(chan metrics.SampleContainer, 1<<12)
	var delays int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for c := range samples {
			for _, s := range c.GetSamples() {
				if s.Metric == bm.IterationStartDelay {
					delays++
				}
			}
		}
	}()
	s := NewScheduler(o, NewPool(vus), bm, samples, nil)
	if err := s.Run(context.Background(), context.Background()); err != nil {
		t.Fatal(err)
	}
	close(samples)
	wg.Wait()
	p := s.Progress()[0]
	if it, d := p.Iterations.Load(), p.Dropped.Load(); it+d != 1501 || delays != it {
		t.Errorf("%d iterations + %d dropped, want 1501; %d start delays, want one per iteration", it, d, delays)
	}
}
