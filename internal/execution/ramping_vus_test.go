package execution

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func TestRampingVUSteps(t *testing.T) {
	st := func(d time.Duration, target int64) options.Stage {
		return options.Stage{Duration: options.Duration(d), Target: target}
	}
	for _, tc := range []struct {
		name      string
		start     int64
		stages    []options.Stage
		want      []vuStep
		wantTotal time.Duration
	}{
		{"ramp up adds a VU each time the line crosses a whole number", 0, []options.Stage{st(4*time.Second, 4)},
			[]vuStep{{time.Second, 1}, {2 * time.Second, 2}, {3 * time.Second, 3}, {4 * time.Second, 4}}, 4 * time.Second},
		{"ramp down removes them at the same marks", 3, []options.Stage{st(3*time.Second, 0)},
			[]vuStep{{time.Second, 2}, {2 * time.Second, 1}, {3 * time.Second, 0}}, 3 * time.Second},
		{"uneven marks round down to the nanosecond", 0, []options.Stage{st(time.Second, 3)},
			[]vuStep{{333333333, 1}, {666666666, 2}, {time.Second, 3}}, time.Second},
		{"a zero-duration stage jumps", 5, []options.Stage{st(0, 2), st(time.Second, 2)},
			[]vuStep{{0, 2}}, time.Second},
		{"a hold changes nothing", 2, []options.Stage{st(10*time.Second, 2)}, nil, 10 * time.Second},
		{"stages follow each other", 1, []options.Stage{st(2*time.Second, 3), st(time.Second, 3), st(time.Second, 2)},
			[]vuStep{{time.Second, 2}, {2 * time.Second, 3}, {4 * time.Second, 2}}, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := rampingVUSteps(tc.start, tc.stages)
			if !slices.Equal(got, tc.want) || total != tc.wantTotal {
				t.Errorf("rampingVUSteps = %v, %v; want %v, %v", got, total, tc.want, tc.wantTotal)
			}
		})
	}
}

// TestRampingVUsProfile ramps 0 -> 10 VUs over 10s, holds 10s, ramps back to 0 over 10s, and
// counts the looping VUs in the middle of every second.
func TestRampingVUsProfile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 97ms iterations never end on a whole second, where the VU count changes.
		const iter = 97 * time.Millisecond
		r := newTestRun(t, `{"scenarios":{"ramp":{"executor":"ramping-vus","startVUs":0,"gracefulRampDown":"1s",
			"stages":[{"duration":"10s","target":10},{"duration":"10s","target":10},{"duration":"10s","target":0}]}}}`, each(iter))
		p := r.progress("ramp")
		r.start(context.Background(), context.Background())
		for s := range 30 {
			r.at(time.Duration(s)*time.Second + 500*time.Millisecond)
			want := int64(s) // ramping up: VU k joins at k seconds
			switch {
			case s >= 20:
				want = int64(10 - (s - 20)) // ramping down: one leaves at 21s, 22s, ...
			case s >= 10:
				want = 10
			}
			if got := p.ActiveVUs.Load(); got != want {
				t.Errorf("at %d.5s: %d active VUs, want %d", s, got, want)
			}
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		// VU k (from 1) loops from k s until it leaves at 31-k s; VU 1 until the end at 30s:
		// 200 VU-seconds of 97ms iterations, each VU finishing the one it runs when it leaves.
		want := int64(200 * time.Second / iter)
		if got := p.Iterations.Load(); !within(got, want, 0.01) {
			t.Errorf("%d iterations, want %d ±1%%", got, want)
		}
		if n := p.Interrupted.Load(); n != 0 {
			t.Errorf("%d interrupted iterations, want 0 (gracefulRampDown 1s > 97ms)", n)
		}
		if r.rec.maxRunning != 10 {
			t.Errorf("at most %d iterations ran at once, want 10", r.rec.maxRunning)
		}
	})
}

// TestRampingVUsGracefulRampDown: a VU ramped down gets gracefulRampDown to finish its
// iteration, then is interrupted; the VU that stays loops on.
func TestRampingVUsGracefulRampDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestRun(t, `{"scenarios":{"s":{"executor":"ramping-vus","startVUs":2,"gracefulRampDown":"3s",
			"stages":[{"duration":"2s","target":2},{"duration":"0s","target":1},{"duration":"10s","target":1}]}}}`,
			each(5500*time.Millisecond))
		p := r.progress("s")
		r.start(context.Background(), context.Background())
		r.at(4900 * time.Millisecond)
		if got := p.ActiveVUs.Load(); got != 2 {
			t.Errorf("at 4.9s, within gracefulRampDown: %d active VUs, want 2", got)
		}
		r.at(5100 * time.Millisecond)
		if got := p.ActiveVUs.Load(); got != 1 {
			t.Errorf("at 5.1s, after gracefulRampDown: %d active VUs, want 1", got)
		}
		if err := r.wait(); err != nil {
			t.Fatal(err)
		}
		// VU 1 ran 0-5.5s and was cut at 2s+3s. VU 0 ran 0-5.5, 5.5-11 and 11-16.5: the last
		// started before the 12s end and finished within gracefulStop.
		if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 3 || in != 1 {
			t.Errorf("%d iterations, %d interrupted; want 3, 1", it, in)
		}
		if r.elapsed != 16500*time.Millisecond {
			t.Errorf("Run took %v, want 16.5s", r.elapsed)
		}
	})
}

// TestRampingVUsRampUpDuringRampDown: a VU wanted again before its gracefulRampDown runs out
// keeps its iteration; one wanted again after it was cut starts afresh.
func TestRampingVUsRampUpDuringRampDown(t *testing.T) {
	for _, tc := range []struct {
		name               string
		downFor            string
		wantIter, wantIntr int64
		wantStarts         []time.Duration
	}{
		// VU 1 is ramped down at 1s (grace until 1.6s) and up again at 1.2s: its 0-2s
		// iteration lives, and it goes on at 2s; the stages end at 3.6s.
		{"back before the grace ends", "200ms", 4, 0, []time.Duration{0, 2 * time.Second}},
		// Up again at 1.8s: its first iteration was cut at 1.6s, it starts again at 1.8s and
		// 3.8s; the stages end at 4.2s.
		{"back after the grace ended", "800ms", 5, 1, []time.Duration{0, 1800 * time.Millisecond, 3800 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newTestRun(t, `{"scenarios":{"s":{"executor":"ramping-vus","startVUs":2,"gracefulRampDown":"600ms",
					"stages":[{"duration":"1s","target":2},{"duration":"0s","target":1},{"duration":"`+tc.downFor+`","target":1},
					{"duration":"0s","target":2},{"duration":"2.4s","target":2}]}}}`, each(2*time.Second))
				if err := r.run(); err != nil {
					t.Fatal(err)
				}
				p := r.progress("s")
				if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != tc.wantIter || in != tc.wantIntr {
					t.Errorf("%d iterations, %d interrupted; want %d, %d", it, in, tc.wantIter, tc.wantIntr)
				}
				// Take hands the pool's VUs out in order: the second slot, ramped down, is VU 1.
				var got []time.Duration
				for _, st := range r.rec.startsOf(1) {
					got = append(got, st.Sub(r.begin))
				}
				if !slices.Equal(got, tc.wantStarts) {
					t.Errorf("the ramped-down VU started iterations at %v, want %v", got, tc.wantStarts)
				}
			})
		})
	}
}

// TestRampingVUsGracefulStop: at the end of the stages, or at a stop request, running
// iterations get gracefulStop and are then interrupted.
func TestRampingVUsGracefulStop(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stopAt time.Duration // 0: no stop request
		want   time.Duration
	}{
		{"end of stages", 0, 3 * time.Second},
		{"stop request", 500 * time.Millisecond, 2500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newTestRun(t, `{"scenarios":{"s":{"executor":"ramping-vus","startVUs":1,"gracefulStop":"2s",
					"stages":[{"duration":"1s","target":1}]}}}`, each(10*time.Second))
				graceful, stop := context.WithCancel(context.Background())
				defer stop()
				if tc.stopAt > 0 {
					time.AfterFunc(tc.stopAt, stop)
				}
				r.start(graceful, context.Background())
				if err := r.wait(); err != nil {
					t.Fatal(err)
				}
				p := r.progress("s")
				if it, in := p.Iterations.Load(), p.Interrupted.Load(); it != 0 || in != 1 {
					t.Errorf("%d iterations, %d interrupted; want 0, 1", it, in)
				}
				if r.elapsed != tc.want {
					t.Errorf("Run took %v, want %v", r.elapsed, tc.want)
				}
			})
		})
	}
}
