package execution

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// minIterationDuration paces each VU as in k6: `iterations: 3, minIterationDuration: '1s'`
// of 10ms iterations on one VU takes about 3s (the last iteration waits out its second
// too), and an iteration longer than it is not slowed down.
func TestMinIterationDurationPaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"iterations":3,"minIterationDuration":"1s"}`, each(10*time.Millisecond))
		if err := r.run(); err != nil {
			t.Fatal(err)
		}
		if got := r.progress("default").Iterations.Load(); got != 3 {
			t.Fatalf("%d iterations, want 3", got)
		}
		if r.elapsed != 3*time.Second {
			t.Errorf("Run took %v, want 3s", r.elapsed)
		}
		starts := r.rec.allStarts()
		for i, s := range starts {
			if want := time.Duration(i) * time.Second; s.Sub(r.begin) != want {
				t.Errorf("iteration %d started at %v, want %v", i, s.Sub(r.begin), want)
			}
		}
	})
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"iterations":2,"minIterationDuration":"1s"}`, each(1500*time.Millisecond))
		if err := r.run(); err != nil {
			t.Fatal(err)
		}
		if r.elapsed != 3*time.Second {
			t.Errorf("Run took %v, want 3s: iterations longer than minIterationDuration do not wait", r.elapsed)
		}
	})
}

// A hard stop (Ctrl-C, gracefulStop expired) ends the wait at once.
func TestMinIterationDurationWaitEndsOnHardStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"iterations":3,"minIterationDuration":"1m"}`, each(10*time.Millisecond))
		graceful, stopGraceful := context.WithCancel(context.Background())
		hard, stopHard := context.WithCancel(context.Background())
		defer stopGraceful()
		defer stopHard()
		time.AfterFunc(2*time.Second, func() { stopGraceful(); stopHard() })
		r.start(graceful, hard)
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		if r.elapsed != 2*time.Second {
			t.Errorf("Run took %v, want 2s (stopped while waiting out minIterationDuration)", r.elapsed)
		}
		if got := r.progress("default").Iterations.Load(); got != 1 {
			t.Errorf("%d iterations, want 1", got)
		}
	})
}
