package execution

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func stage(d time.Duration, target int64) options.Stage {
	return options.Stage{Duration: options.Duration(d), Target: target}
}

func allArrivals(p arrivals) []time.Duration {
	var out []time.Duration
	for {
		at, ok := p.next()
		if !ok {
			return out
		}
		out = append(out, at)
	}
}

func TestRampingArrivals(t *testing.T) {
	// k6 starts a ramping-arrival-rate iteration once a whole iteration's worth of rate has
	// passed, and none at the end: constant-arrival-rate's ticks without the first and last.
	t.Run("a constant stage is constant-arrival-rate without its first and last", func(t *testing.T) {
		got := allArrivals(newRampingArrivals(200, time.Second, []options.Stage{stage(10*time.Second, 200)}))
		want := allArrivals(&constantArrivals{rate: 200, unit: time.Second, end: 10 * time.Second})
		want = want[1 : len(want)-1]
		if len(got) != len(want) {
			t.Fatalf("%d iterations, want %d", len(got), len(want))
		}
		for i := range got {
			if d := got[i] - want[i]; d < -1 || d > 1 {
				t.Fatalf("iteration %d at %v, want %v", i, got[i], want[i])
			}
		}
	})
	for _, tc := range []struct {
		name      string
		startRate int64
		unit      time.Duration
		stages    []options.Stage
		wantN     int
		// iteration k is due at want[k]
		want map[int]time.Duration
	}{
		// N(t) = t²/2 per s² (rate t/s): iteration k is due at √(2(k+1)) s; the 50th would be
		// due at the end, 10s, and is not started.
		{"ramp up from 0", 0, time.Second, []options.Stage{stage(10*time.Second, 10)}, 49,
			map[int]time.Duration{0: 1414213562, 1: 2 * time.Second, 7: 4 * time.Second, 17: 6 * time.Second, 31: 8 * time.Second, 48: 9899494937}},
		// N(t) = 10t - t²/2: iteration k is due at 10 - √(100-2(k+1)) s.
		{"ramp down to 0", 10, time.Second, []options.Stage{stage(10*time.Second, 0)}, 49,
			map[int]time.Duration{0: 100505063, 17: 2 * time.Second, 31: 4 * time.Second, 41: 6 * time.Second, 47: 8 * time.Second}},
		{"a stage at rate 0 starts nothing", 0, time.Second, []options.Stage{stage(5*time.Second, 0), stage(5*time.Second, 10)}, 24,
			map[int]time.Duration{0: 6 * time.Second, 3: 7 * time.Second}},
		{"10/s for 2s is 19, as in k6", 10, time.Second, []options.Stage{stage(2*time.Second, 10)}, 19,
			map[int]time.Duration{0: 100 * time.Millisecond, 18: 1900 * time.Millisecond}},
		{"a zero-duration stage jumps", 0, time.Second, []options.Stage{stage(0, 10), stage(2*time.Second, 10)}, 19,
			map[int]time.Duration{0: 100 * time.Millisecond, 18: 1900 * time.Millisecond}},
		// 0 -> 60/min over 1m is 0 -> 1/s: N(t) = t²/120, iteration k is due at √(120(k+1)) s.
		{"timeUnit scales the rate", 0, time.Minute, []options.Stage{stage(time.Minute, 60)}, 29,
			map[int]time.Duration{0: 10954451150, 14: 42426406871}},
		{"up, hold, down: 1999", 0, time.Second, []options.Stage{stage(10*time.Second, 100), stage(10*time.Second, 100), stage(10*time.Second, 0)}, 1999,
			map[int]time.Duration{499: 10 * time.Second, 999: 15 * time.Second, 1499: 20 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allArrivals(newRampingArrivals(tc.startRate, tc.unit, tc.stages))
			if len(got) != tc.wantN {
				t.Fatalf("%d iterations, want %d", len(got), tc.wantN)
			}
			for i := 1; i < len(got); i++ {
				if got[i] < got[i-1] {
					t.Fatalf("iteration %d at %v, before iteration %d at %v", i, got[i], i-1, got[i-1])
				}
			}
			for k, want := range tc.want {
				if d := got[k] - want; d < -1 || d > 1 {
					t.Errorf("iteration %d at %v, want %v", k, got[k], want)
				}
			}
		})
	}
}

// TestRampingArrivalRate ramps 0 -> 100/s over 10s, holds 10s and ramps back to 0: 2000
// iterations, and in each second as many as the rate's integral over it.
func TestRampingArrivalRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"rar":{"executor":"ramping-arrival-rate","preAllocatedVUs":10,
			"stages":[{"duration":"10s","target":100},{"duration":"10s","target":100},{"duration":"10s","target":0}]}}}`,
			each(50*time.Millisecond))
		if err := r.run(); err != nil {
			t.Fatal(err)
		}
		p := r.progress("rar")
		if got := p.Iterations.Load(); !within(got, 2000, 0.01) {
			t.Errorf("%d iterations, want 2000 ±1%%", got)
		}
		if d := p.Dropped.Load(); d != 0 {
			t.Errorf("%d dropped, want 0", d)
		}
		perSecond := make([]int, 30)
		for _, s := range r.rec.allStarts() {
			perSecond[int(s.Sub(r.begin)/time.Second)]++
		}
		n := func(t float64) float64 { // iterations due by t seconds
			switch {
			case t <= 10:
				return 5 * t * t
			case t <= 20:
				return 500 + 100*(t-10)
			default:
				return 2000 - 5*(30-t)*(30-t)
			}
		}
		for s, got := range perSecond {
			if want := n(float64(s+1)) - n(float64(s)); math.Abs(float64(got)-want) > 1 {
				t.Errorf("second %d: %d iterations started, want %.0f ±1", s, got, want)
			}
		}
		if n := len(r.samplesOf(r.bm.IterationStartDelay)); int64(n) != p.Iterations.Load() {
			t.Errorf("%d iteration_start_delay samples, want one per iteration (%d)", n, p.Iterations.Load())
		}
	})
}

// TestRampingArrivalRateDrops ramps 0 -> 20/s over 10s on at most 2 VUs of 150ms iterations
// (13.3/s at most) and checks the drops against a model of the same schedule.
func TestRampingArrivalRateDrops(t *testing.T) {
	const iter = 150 * time.Millisecond
	// The model: an iteration goes to a started VU that is free, else to a new VU while
	// fewer than maxVUs are started, else it is dropped.
	var wantStarted, wantDropped int64
	var busyUntil []time.Duration
	for _, at := range allArrivals(newRampingArrivals(0, time.Second, []options.Stage{stage(10*time.Second, 20)})) {
		free := -1
		for i, b := range busyUntil {
			if b == at {
				t.Fatalf("a VU frees up at %v, just when an iteration is due: the run would race", at)
			}
			if b < at {
				free = i
			}
		}
		switch {
		case free >= 0:
			busyUntil[free] = at + iter
		case len(busyUntil) < 2:
			busyUntil = append(busyUntil, at+iter)
		default:
			wantDropped++
			continue
		}
		wantStarted++
	}
	if wantDropped == 0 {
		t.Fatal("the model drops nothing; the test would prove nothing")
	}
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"rar":{"executor":"ramping-arrival-rate","preAllocatedVUs":1,"maxVUs":2,
			"stages":[{"duration":"10s","target":20}]}}}`, each(iter))
		if err := r.run(); err != nil {
			t.Fatal(err)
		}
		p := r.progress("rar")
		if it, d := p.Iterations.Load(), p.Dropped.Load(); it != wantStarted || d != wantDropped {
			t.Errorf("%d iterations, %d dropped; want %d, %d", it, d, wantStarted, wantDropped)
		}
		if n := int64(len(r.samplesOf(r.bm.DroppedIterations))); n != wantDropped {
			t.Errorf("%d dropped_iterations samples, want %d", n, wantDropped)
		}
	})
}

// TestRampingArrivalRateStop: a stop request ends the schedule; running iterations get
// gracefulStop.
func TestRampingArrivalRateStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"rar":{"executor":"ramping-arrival-rate","startRate":10,"preAllocatedVUs":50,
			"gracefulStop":"500ms","stages":[{"duration":"1m","target":10}]}}}`, each(time.Second))
		graceful, stop := context.WithCancel(context.Background())
		defer stop()
		time.AfterFunc(1050*time.Millisecond, stop)
		r.start(graceful, context.Background())
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		// Due at 0.1, 0.2, ... 1.0s: 10 started; those started by 0.55s end by 1.55s.
		p := r.progress("rar")
		if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 5 || in != 5 {
			t.Errorf("%d iterations, %d interrupted; want 5, 5", it, in)
		}
		if r.elapsed != 1550*time.Millisecond {
			t.Errorf("Run took %v, want 1.55s", r.elapsed)
		}
	})
}

// TestArrivalRateLastsItsDuration: a scenario whose schedule runs out early (rate 0 at the
// end), or that has no VU at all, still ends when its stages do.
func TestArrivalRateLastsItsDuration(t *testing.T) {
	for _, tc := range []struct{ name, scenario string }{
		{"ramping-arrival-rate, rate 0 at the end", `{"executor":"ramping-arrival-rate","startRate":10,"preAllocatedVUs":0,"maxVUs":0,
			"stages":[{"duration":"1s","target":0},{"duration":"4s","target":0}]}`},
		{"ramping-vus, no VU at all", `{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"5s","target":0}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newTestRun(t, `{"scenarios":{"s":`+tc.scenario+`}}`, each(time.Millisecond))
				if err := r.run(); err != nil {
					t.Fatal(err)
				}
				if r.elapsed != 5*time.Second {
					t.Errorf("Run took %v, want the 5s of the stages", r.elapsed)
				}
			})
		})
	}
}
