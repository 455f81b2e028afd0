package execution

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestExternallyControlledScaling: 2 VUs of 100ms iterations; 5 from 2.03s; 1 from 5.07s,
// the 4 taken away finishing the iteration they run; the end at 10.05s interrupts the last.
func TestExternallyControlledScaling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"ext":{"executor":"externally-controlled","vus":2,"maxVUs":10,"duration":"10050ms"}}}`,
			each(100*time.Millisecond))
		p := r.progress("ext")
		r.start(context.Background(), context.Background())
		active := func(at time.Duration, want int64) {
			t.Helper()
			r.at(at)
			if got := p.ActiveVUs.Load(); got != want {
				t.Errorf("at %v: %d active VUs, want %d", at, got, want)
			}
		}
		active(time.Second, 2)
		r.at(2030 * time.Millisecond)
		if err := r.sched.SetVUs("ext", 5); err != nil {
			t.Fatal(err)
		}
		active(2030*time.Millisecond, 5)
		r.at(5070 * time.Millisecond)
		if err := r.sched.SetVUs("ext", 1); err != nil {
			t.Fatal(err)
		}
		active(5070*time.Millisecond, 5) // still finishing their iterations
		active(5200*time.Millisecond, 1)
		for _, n := range []int64{-1, 11} {
			if err := r.sched.SetVUs("ext", n); !errors.Is(err, ErrVUsOutOfRange) {
				t.Errorf("SetVUs(%d) = %v, want ErrVUsOutOfRange", n, err)
			}
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		// VU 0: 0-10s, 100 iterations, the 101st cut at 10.05s. VU 1: 0-5.1s, 51. VUs 2-4:
		// from 2.03s, the last started at 5.03s, 31 each.
		if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 100+51+3*31 || in != 1 {
			t.Errorf("%d iterations, %d interrupted; want %d, 1", it, in, 100+51+3*31)
		}
		if r.elapsed != 10050*time.Millisecond {
			t.Errorf("Run took %v, want 10.05s", r.elapsed)
		}
		if r.rec.maxRunning != 5 {
			t.Errorf("%d iterations ran at once, want 5", r.rec.maxRunning)
		}
		if err := r.sched.SetVUs("ext", 1); !errors.Is(err, ErrScenarioNotRunning) {
			t.Errorf("SetVUs after the end = %v, want ErrScenarioNotRunning", err)
		}
	})
}

// TestExternallyControlledToZeroAndBack: scaled to 0 the VUs idle; scaled up they loop again.
func TestExternallyControlledToZeroAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"ext":{"executor":"externally-controlled","vus":3,"duration":"5s"}}}`,
			each(97*time.Millisecond))
		r.start(context.Background(), context.Background())
		r.at(time.Second)
		if err := r.sched.SetVUs("ext", 0); err != nil {
			t.Fatal(err)
		}
		r.at(2 * time.Second)
		if got := r.progress("ext").ActiveVUs.Load(); got != 0 {
			t.Errorf("at 2s: %d active VUs, want 0", got)
		}
		if err := r.sched.SetVUs("ext", 3); err != nil {
			t.Fatal(err)
		}
		r.at(3 * time.Second)
		if got := r.progress("ext").ActiveVUs.Load(); got != 3 {
			t.Errorf("at 3s: %d active VUs, want 3", got)
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		for vu := range 3 {
			var idle, after int
			for _, s := range r.rec.startsOf(vu) {
				switch off := s.Sub(r.begin); {
				case off > time.Second && off < 2*time.Second:
					idle++
				case off >= 2*time.Second:
					after++
				}
			}
			if idle != 0 || after == 0 {
				t.Errorf("VU %d started %d iterations while scaled to 0 and %d after; want 0 and some", vu, idle, after)
			}
		}
	})
}

// TestExternallyControlledNoGracefulStop: as in k6 the executor has no graceful stop: the
// end of duration, or a stop request, interrupts running iterations at once, whatever the
// scenario's gracefulStop says.
func TestExternallyControlledNoGracefulStop(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stopAt time.Duration
		want   time.Duration
	}{
		{"end of duration", 0, 3 * time.Second},
		{"stop request", time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newTestRun(t, `{"scenarios":{"ext":{"executor":"externally-controlled","vus":2,"duration":"3s","gracefulStop":"30s"}}}`,
					each(10*time.Second))
				graceful, stop := context.WithCancel(context.Background())
				defer stop()
				if tc.stopAt > 0 {
					time.AfterFunc(tc.stopAt, stop)
				}
				r.start(graceful, context.Background())
				if err := r.wait(); err != nil {
					t.Fatal(err)
				}
				p := r.progress("ext")
				if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 0 || in != 2 {
					t.Errorf("%d iterations, %d interrupted; want 0, 2", it, in)
				}
				if r.elapsed != tc.want {
					t.Errorf("Run took %v, want %v", r.elapsed, tc.want)
				}
			})
		})
	}
}

func TestSetVUsErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{
			"later":{"executor":"externally-controlled","vus":1,"maxVUs":2,"duration":"1s","startTime":"5s"},
			"closed":{"executor":"constant-vus","vus":1,"duration":"1s"}}}`, each(100*time.Millisecond))
		r.start(context.Background(), context.Background())
		r.at(500 * time.Millisecond)
		for _, tc := range []struct {
			scenario string
			n        int64
			want     error
		}{
			{"nope", 1, ErrUnknownScenario},
			{"closed", 1, ErrNotExternallyControlled},
			{"later", 1, ErrScenarioNotRunning},
		} {
			if err := r.sched.SetVUs(tc.scenario, tc.n); !errors.Is(err, tc.want) {
				t.Errorf("SetVUs(%q, %d) = %v, want %v", tc.scenario, tc.n, err, tc.want)
			}
		}
		r.at(5500 * time.Millisecond)
		if err := r.sched.SetVUs("later", 2); err != nil {
			t.Errorf("SetVUs on the running scenario: %v", err)
		}
		if err := r.sched.SetVUs("later", 3); !errors.Is(err, ErrVUsOutOfRange) {
			t.Errorf("SetVUs beyond maxVUs = %v, want ErrVUsOutOfRange", err)
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
	})
}
