package execution

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// The sequences every executor is split by: 2, 3 and 4 equal segments, and an uneven 3.
var segmentSequences = []string{"0,1/2,1", "0,1/3,2/3,1", "0,1/4,1/2,3/4,1", "0,1/5,2/3,1"}

// instances is one test run whole and as the instances of a sequence, all in one synctest
// bubble, started at the same virtual instant, so their schedules can be compared.
type instances struct {
	seq   string
	whole *testRun
	parts []*testRun
}

// newInstances prepares the runs: optsJSON whole, and with each segment of seq.
func newInstances(t *testing.T, optsJSON, seq string, dur iterTime) *instances {
	t.Helper()
	in := &instances{seq: seq, whole: newTestRun(t, optsJSON, dur)}
	points := strings.Split(seq, ",")
	for i := range len(points) - 1 {
		var o map[string]any
		if err := json.Unmarshal([]byte(optsJSON), &o); err != nil {
			t.Fatal(err)
		}
		o["executionSegment"] = points[i] + ":" + points[i+1]
		o["executionSegmentSequence"] = seq
		b, _ := json.Marshal(o)
		in.parts = append(in.parts, newTestRun(t, string(b), dur))
	}
	return in
}

// run starts every run, calls during (if any) while they run, and waits for them all.
func (in *instances) run(t *testing.T, during func()) {
	t.Helper()
	for _, r := range in.all() {
		r.start(context.Background(), context.Background())
	}
	if during != nil {
		during()
	}
	for _, r := range in.all() {
		if err := r.wait(); err != nil {
			t.Fatalf("%s: %v", in.seq, err)
		}
	}
}

func (in *instances) all() []*testRun { return append([]*testRun{in.whole}, in.parts...) }

// sum adds up f over the instances (not the whole run).
func (in *instances) sum(f func(r *testRun) int64) int64 {
	var n int64
	for _, r := range in.parts {
		n += f(r)
	}
	return n
}

// iterations is what a run completed of scenario s.
func iterations(s string) func(r *testRun) int64 {
	return func(r *testRun) int64 { return r.progress(s).Iterations.Load() }
}

// vusUsed is how many of a run's VUs started an iteration.
func vusUsed(r *testRun) int64 {
	var n int64
	for vu := range r.rec.starts {
		if len(r.rec.startsOf(vu)) > 0 {
			n++
		}
	}
	return n
}

// startOffsets is when each iteration of a run started, from the run's start, in order.
func startOffsets(r *testRun) []time.Duration {
	var out []time.Duration
	for _, s := range r.rec.allStarts() {
		out = append(out, s.Sub(r.begin))
	}
	slices.Sort(out)
	return out
}

// iterationsInTest is every test-wide iteration number (scenario.iterationInTest) the
// instances gave scenario s, sorted: for a whole test's work split without overlap, 0 to n-1.
func (in *instances) iterationsInTest(s string) []int64 {
	var all []int64
	for _, r := range in.parts {
		p := r.progress(s)
		info := p.info()
		// The fake VUs do not ask for numbers: the instance's are 0 to its count-1.
		for l := range p.Iterations.Load() + p.Interrupted.Load() {
			all = append(all, info.IterationInTest(l))
		}
	}
	slices.Sort(all)
	return all
}

// upTo is 0, 1, ..., n-1.
func upTo(n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

// shared-iterations: the instances' iterations add up to the test's exactly, and their VUs to
// its VUs, also when a segment gets none of them (2 VUs over 4 segments); no two instances
// number an iteration the same.
func TestSegmentsSharedIterations(t *testing.T) {
	for _, tc := range []struct {
		vus, iters int64
	}{{7, 101}, {2, 9}, {12, 12}} {
		for _, seq := range segmentSequences {
			synctest.Test(t, func(t *testing.T) {
				opts := `{"scenarios":{"s":{"executor":"shared-iterations","vus":` + itoa(tc.vus) + `,"iterations":` + itoa(tc.iters) + `}}}`
				in := newInstances(t, opts, seq, each(10*time.Millisecond))
				in.run(t, nil)
				if got := iterations("s")(in.whole); got != tc.iters {
					t.Fatalf("whole run: %d iterations, want %d", got, tc.iters)
				}
				if got := in.sum(iterations("s")); got != tc.iters {
					t.Errorf("%s, %d VUs: the instances ran %d iterations, want %d", seq, tc.vus, got, tc.iters)
				}
				if got := in.sum(vusUsed); got != tc.vus {
					t.Errorf("%s: the instances used %d VUs, want %d", seq, got, tc.vus)
				}
				if got := in.iterationsInTest("s"); !slices.Equal(got, upTo(tc.iters)) {
					t.Errorf("%s: iterationInTest %v, want 0 to %d once each", seq, got, tc.iters-1)
				}
			})
		}
	}
}

// per-vu-iterations: each instance runs its part of the VUs, each VU all its iterations.
func TestSegmentsPerVUIterations(t *testing.T) {
	for _, seq := range segmentSequences {
		synctest.Test(t, func(t *testing.T) {
			in := newInstances(t, `{"scenarios":{"p":{"executor":"per-vu-iterations","vus":5,"iterations":3}}}`, seq, each(10*time.Millisecond))
			in.run(t, nil)
			if got := in.sum(iterations("p")); got != 15 {
				t.Errorf("%s: the instances ran %d iterations, want 15", seq, got)
			}
			if got := in.sum(vusUsed); got != 5 {
				t.Errorf("%s: the instances used %d VUs, want 5", seq, got)
			}
			if got := in.iterationsInTest("p"); len(slices.Compact(got)) != 15 {
				t.Errorf("%s: iterationInTest %v: some repeat", seq, got)
			}
		})
	}
}

// constant-vus: the VUs partition exactly; an instance with no VU ends at once instead of
// waiting out the duration.
func TestSegmentsConstantVUs(t *testing.T) {
	for _, vus := range []int64{5, 1} {
		for _, seq := range segmentSequences {
			synctest.Test(t, func(t *testing.T) {
				in := newInstances(t, `{"scenarios":{"c":{"executor":"constant-vus","vus":`+itoa(vus)+`,"duration":"2s"}}}`, seq, each(95*time.Millisecond))
				in.run(t, func() {
					in.whole.at(time.Second)
					for _, r := range in.parts {
						want := r.sched.segment.Scale(vus)
						if got := r.sched.ActiveVUs(); got != want {
							t.Errorf("%s, %s: %d active VUs, want %d", seq, r.sched.segment, got, want)
						}
					}
					if got := in.sum(func(r *testRun) int64 { return r.sched.ActiveVUs() }); got != vus {
						t.Errorf("%s: %d active VUs in all, want %d", seq, got, vus)
					}
				})
				for _, r := range in.parts {
					if r.sched.segment.Scale(vus) == 0 && r.elapsed != 0 {
						t.Errorf("%s, %s: no VU, yet Run took %v", seq, r.sched.segment, r.elapsed)
					}
				}
				if got, want := in.sum(iterations("c")), iterations("c")(in.whole); got != want {
					t.Errorf("%s: the instances ran %d iterations, the whole run %d", seq, got, want)
				}
			})
		}
	}
}

// ramping-vus: at every moment the instances' VUs add up to the whole run's.
func TestSegmentsRampingVUs(t *testing.T) {
	for _, seq := range segmentSequences {
		synctest.Test(t, func(t *testing.T) {
			in := newInstances(t, `{"scenarios":{"r":{"executor":"ramping-vus","startVUs":3,"gracefulRampDown":"0s",
				"stages":[{"duration":"5s","target":10},{"duration":"1s","target":10},{"duration":"3s","target":1},{"duration":"0s","target":6},{"duration":"1s","target":6}]}}}`,
				seq, each(10*time.Millisecond))
			in.run(t, func() {
				for at := 125 * time.Millisecond; at < 10*time.Second; at += 250 * time.Millisecond {
					in.whole.at(at)
					whole := in.whole.sched.ActiveVUs()
					if got := in.sum(func(r *testRun) int64 { return r.sched.ActiveVUs() }); got != whole {
						t.Errorf("%s at %v: %d active VUs in all, the whole run %d", seq, at, got, whole)
					}
				}
			})
			if got := in.sum(vusUsed); got != 10 {
				t.Errorf("%s: the instances used %d VUs, want the peak 10", seq, got)
			}
		})
	}
}

// arrivalChecks compares the instances of an arrival-rate test with the whole run: together they
// start exactly its iterations at exactly its times, number them 0 to n-1, and each instance's
// starts follow its share all along (never a whole iteration ahead or behind), so none is
// front-loaded.
func arrivalChecks(t *testing.T, in *instances, name string, maxVUs int64) {
	t.Helper()
	whole := startOffsets(in.whole)
	var merged []time.Duration
	for _, r := range in.parts {
		merged = append(merged, startOffsets(r)...)
	}
	slices.Sort(merged)
	if !slices.Equal(merged, whole) {
		t.Errorf("%s: the instances started %d iterations, the whole run %d, or at other times", in.seq, len(merged), len(whole))
	}
	if got, want := in.sum(iterations(name)), int64(len(whole)); got != want {
		t.Errorf("%s: the instances completed %d iterations, want %d", in.seq, got, want)
	}
	if got := in.iterationsInTest(name); !slices.Equal(got, upTo(int64(len(whole)))) {
		t.Errorf("%s: iterationInTest %v, want 0 to %d once each", in.seq, got, len(whole)-1)
	}
	for _, r := range in.parts {
		share := float64(r.sched.segment.Scale(maxVUs)) / float64(maxVUs) // ticks follow maxVUs
		mine := startOffsets(r)
		for i, at := range whole {
			n, _ := slices.BinarySearch(mine, at+1) // the instance's starts up to at
			if d := float64(n) - share*float64(i+1); d >= 1 || d <= -1 {
				t.Errorf("%s, %s: %d of the first %d iterations (to %v), its share is %.2f", in.seq, r.sched.segment, n, i+1, at, share*float64(i+1))
				break
			}
		}
		for _, p := range r.sched.Progress() {
			if d := p.Dropped.Load(); d != 0 {
				t.Errorf("%s, %s: %d dropped", in.seq, r.sched.segment, d)
			}
		}
	}
}

func TestSegmentsConstantArrivalRate(t *testing.T) {
	for _, maxVUs := range []int64{6, 12, 1} {
		for _, seq := range segmentSequences {
			synctest.Test(t, func(t *testing.T) {
				in := newInstances(t, `{"scenarios":{"car":{"executor":"constant-arrival-rate","rate":30,"duration":"3s",
					"preAllocatedVUs":1,"maxVUs":`+itoa(maxVUs)+`}}}`, seq, each(10*time.Millisecond))
				in.run(t, nil)
				if n := len(startOffsets(in.whole)); n != 91 {
					t.Fatalf("whole run: %d iterations, want 91", n)
				}
				arrivalChecks(t, in, "car", maxVUs)
				// Per second, the instances start what the whole run starts.
				for sec := range 3 {
					count := func(r *testRun) int64 {
						var n int64
						for _, at := range startOffsets(r) {
							if at >= time.Duration(sec)*time.Second && at < time.Duration(sec+1)*time.Second {
								n++
							}
						}
						return n
					}
					if got, want := in.sum(count), count(in.whole); got != want || want != 30 {
						t.Errorf("%s, second %d: %d started in all, the whole run %d (want 30)", seq, sec, got, want)
					}
				}
			})
		}
	}
}

func TestSegmentsRampingArrivalRate(t *testing.T) {
	for _, seq := range segmentSequences {
		synctest.Test(t, func(t *testing.T) {
			in := newInstances(t, `{"scenarios":{"rar":{"executor":"ramping-arrival-rate","startRate":5,"preAllocatedVUs":8,
				"stages":[{"duration":"2s","target":40},{"duration":"1s","target":40},{"duration":"2s","target":0}]}}}`, seq, each(10*time.Millisecond))
			in.run(t, nil)
			if n := len(startOffsets(in.whole)); n < 100 {
				t.Fatalf("whole run: %d iterations, want over 100", n)
			}
			arrivalChecks(t, in, "rar", 8)
		})
	}
}

// externally-controlled: each instance runs its part of vus, and of every count SetVUs is given
// (the test's count, the same for every instance).
func TestSegmentsExternallyControlled(t *testing.T) {
	for _, seq := range segmentSequences {
		synctest.Test(t, func(t *testing.T) {
			in := newInstances(t, `{"scenarios":{"ext":{"executor":"externally-controlled","vus":4,"maxVUs":6,"duration":"3s"}}}`, seq, each(10*time.Millisecond))
			active := func(want int64) {
				t.Helper()
				for _, r := range in.parts {
					if got, part := r.sched.ActiveVUs(), r.sched.segment.Scale(want); got != part {
						t.Errorf("%s, %s: %d active VUs, want %d of %d", seq, r.sched.segment, got, part, want)
					}
				}
				if got := in.sum(func(r *testRun) int64 { return r.sched.ActiveVUs() }); got != want {
					t.Errorf("%s: %d active VUs in all, want %d", seq, got, want)
				}
			}
			in.run(t, func() {
				in.whole.at(500 * time.Millisecond)
				active(4)
				for _, r := range in.parts {
					// Also on an instance with none of the VUs: its part of 5 is 0.
					if err := r.sched.SetVUs("ext", 5); err != nil {
						t.Errorf("%s, %s: SetVUs(5) = %v", seq, r.sched.segment, err)
					}
					if err := r.sched.SetVUs("ext", 7); !errors.Is(err, ErrVUsOutOfRange) {
						t.Errorf("%s, %s: SetVUs(7) over maxVUs 6 = %v, want ErrVUsOutOfRange", seq, r.sched.segment, err)
					}
				}
				in.whole.at(time.Second)
				active(5)
			})
		})
	}
}

// Two scenarios, one segment: the VUs the instance initialises (MaxConcurrentVUs) are its part,
// and both scenarios run on them.
func TestSegmentsPoolSize(t *testing.T) {
	var sum int64
	for _, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		o, err := options.FromJSON([]byte(`{"executionSegment":"` + seg + `","executionSegmentSequence":"0,1/3,2/3,1","scenarios":{
			"a":{"executor":"constant-vus","vus":4,"duration":"1s"},
			"b":{"executor":"ramping-arrival-rate","preAllocatedVUs":2,"maxVUs":5,"stages":[{"duration":"1s","target":5}]}}}`))
		if err != nil {
			t.Fatal(err)
		}
		if o, err = o.Resolve(); err != nil {
			t.Fatal(err)
		}
		n := o.MaxConcurrentVUs()
		if want := o.Tuple().Scale(4) + o.Tuple().Scale(5); n != want {
			t.Errorf("%s: MaxConcurrentVUs = %d, want %d", seg, n, want)
		}
		sum += n
	}
	if sum != 9 {
		t.Errorf("the instances initialise %d VUs in all, want 9", sum)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
