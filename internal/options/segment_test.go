package options_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// Every form k6 documents for --execution-segment, written back as k6 writes it.
func TestParseSegment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"1/3:2/3":  "1/3:2/3",
		"33%":      "0:33/100",
		"0.2:2/3":  "1/5:2/3",
		"2/3":      "0:2/3",
		"50%:75%":  "1/2:3/4",
		"2/4:75%":  "1/2:3/4",
		"0:1":      "0:1",
		" 1/2:1 ":  "1/2:1",
		"12.5%":    "0:1/8",
		"0.25:0.5": "1/4:1/2",
	} {
		s, err := options.ParseSegment(in)
		if err != nil {
			t.Errorf("ParseSegment(%q): %v", in, err)
			continue
		}
		if s.String() != want {
			t.Errorf("ParseSegment(%q) = %s, want %s", in, s, want)
		}
	}
}

func TestParseSegmentRejects(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abc":     `"abc" is not a fraction`,
		"1/2:1/3": "the start 1/2 is not before the end 1/3",
		"1/2:1/2": "the start 1/2 is not before the end 1/2",
		"-1/2:1":  "the start -1/2 is below 0",
		"0:3/2":   "the end 3/2 is above 1",
		"120%":    "the end 6/5 is above 1",
		"1/0":     `"1/0" is not a fraction`,
		"x:1/2":   `"x" is not a fraction`,
		"0":       "the start 0 is not before the end 0",
	} {
		_, err := options.ParseSegment(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSegment(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestParseSegmentSequence(t *testing.T) {
	t.Parallel()
	q, err := options.ParseSegmentSequence("0,1/3,2/3,1")
	if err != nil || q.String() != "0,1/3,2/3,1" {
		t.Errorf("ParseSegmentSequence = %v, %v", q, err)
	}
	q, err = options.ParseSegmentSequence("0, 25%, 0.5 ,1")
	if err != nil || q.String() != "0,1/4,1/2,1" {
		t.Errorf("ParseSegmentSequence with spaces and percentages = %v, %v", q, err)
	}
	for in, want := range map[string]string{
		"0":           "at least 2 points",
		"0,1/2,1/3,1": "segment 1/2:1/3: the start 1/2 is not before the end 1/3",
		"0,x,1":       `"x" is not a fraction`,
		"0,1/2,2":     "the end 2 is above 1",
		"0,0,1":       "the start 0 is not before the end 0",
	} {
		_, err := options.ParseSegmentSequence(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSegmentSequence(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestParseTuple(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ seg, seq, want string }{
		{"1/3:2/3", "0,1/3,2/3,1", "1/3:2/3 in 0,1/3,2/3,1"},
		{"1/3:2/3", "", "1/3:2/3 in 0,1/3,2/3,1"}, // filled out around the segment, as k6 does
		{"33%", "", "0:33/100 in 0,33/100,1"},
		{"1/2:3/4", "1/2,3/4", "1/2:3/4 in 0,1/2,3/4,1"},
		{"", "", "0:1"},
		{"0:1", "", "0:1"},
		{"0:1", "0,1", "0:1"},
	} {
		tu, err := options.ParseTuple(tc.seg, tc.seq)
		if err != nil {
			t.Errorf("ParseTuple(%q, %q): %v", tc.seg, tc.seq, err)
			continue
		}
		if tu.String() != tc.want {
			t.Errorf("ParseTuple(%q, %q) = %s, want %s", tc.seg, tc.seq, tu, tc.want)
		}
	}
	for _, tc := range []struct{ seg, seq, want string }{
		{"0:2/3", "0,1/3,2/3,1", "executionSegment 0:2/3 is not a segment of executionSegmentSequence 0,1/3,2/3,1 (0:1/3, 1/3:2/3, 2/3:1)"},
		{"", "0,1/2,1", "executionSegmentSequence 0,1/2,1 is set but executionSegment is not"},
		{"0:1", "0,1/2,1", "is not a segment of"},
		{"0:0.3333333", "", "denominator is over 1000000; use a fraction such as 1/3"},
		{"1/1009:2/1009", "0,1/1009,2/1009,3/1013,1", "over 1000000"},
	} {
		_, err := options.ParseTuple(tc.seg, tc.seq)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTuple(%q, %q) = %v, want an error containing %q", tc.seg, tc.seq, err, tc.want)
		}
	}
}

// The sequences the tests partition work with: 2, 3 and 4 segments, equal and not.
var testSequences = []string{
	"0,1/2,1", "0,1/3,2/3,1", "0,1/4,1/2,3/4,1", "0,1/2,3/4,1", "0,1/5,2/3,1",
	"0,1/10,1/5,9/10,1", "0,1/7,3/5,1", "0,1/100,1",
}

// tuples returns one tuple per segment of the sequence.
func tuples(t *testing.T, seq string) []*options.Tuple {
	t.Helper()
	points := strings.Split(seq, ",")
	out := make([]*options.Tuple, len(points)-1)
	for i := range out {
		tu, err := options.ParseTuple(points[i]+":"+points[i+1], seq)
		if err != nil {
			t.Fatalf("ParseTuple(%s:%s, %s): %v", points[i], points[i+1], seq, err)
		}
		out[i] = tu
	}
	return out
}

// The striping's guarantees: every item goes to exactly one segment; the parts of any count add
// up to it exactly; each part grows with the count; and each segment's part never strays a whole
// item from its share, so its items are spread evenly rather than bunched.
func TestTupleStriping(t *testing.T) {
	t.Parallel()
	for _, seq := range testSequences {
		ts := tuples(t, seq)
		const n = 700
		owners := make([]int, n)
		for i := range int64(n) {
			c := 0
			for _, tu := range ts {
				if tu.Owns(i) {
					c++
				}
			}
			if c != 1 {
				t.Fatalf("%s: item %d is owned by %d segments, want 1", seq, i, c)
			}
		}
		for v := range int64(n) {
			var sum int64
			for _, tu := range ts {
				s := tu.Scale(v)
				sum += s
				if s < tu.Scale(v-1) {
					t.Fatalf("%s, %s: Scale(%d) = %d < Scale(%d)", seq, tu, v, s, v-1)
				}
				if d := math.Abs(float64(s) - float64(v)*tu.Share()); d >= 1 {
					t.Fatalf("%s, %s: Scale(%d) = %d, %.2f from its share %.2f", seq, tu, v, s, d, float64(v)*tu.Share())
				}
			}
			if sum != v {
				t.Fatalf("%s: the parts of %d add up to %d", seq, v, sum)
			}
		}
		for si, tu := range ts {
			prev := int64(-1)
			for l := range tu.Scale(n) {
				g := tu.Global(l)
				if g <= prev || !tu.Owns(g) || tu.Scale(g) != l {
					t.Fatalf("%s, %s: Global(%d) = %d after %d; owned %v, Scale = %d", seq, tu, l, g, prev, tu.Owns(g), tu.Scale(g))
				}
				prev = g
				owners[g] = si + 1
			}
		}
		for i, o := range owners {
			if o == 0 {
				t.Fatalf("%s: item %d is no segment's Global", seq, i)
			}
		}
	}
}

// k6's documented example: a sequence of 50%, 25% and 25% owns items 0 2 4 ..., 1 5 9 ... and
// 3 7 11 ...
func TestTupleStripingExample(t *testing.T) {
	t.Parallel()
	ts := tuples(t, "0,1/2,3/4,1")
	want := [][]int64{{0, 2, 4, 6, 8, 10}, {1, 5, 9, 13, 17, 21}, {3, 7, 11, 15, 19, 23}}
	for i, tu := range ts {
		for l, g := range want[i] {
			if got := tu.Global(int64(l)); got != g {
				t.Errorf("%s: Global(%d) = %d, want %d", tu, l, got, g)
			}
		}
	}
}

// Resegmenting by a VU count: a segment with none of the VUs has no part; the others share
// everything, in proportion to their VUs.
func TestTupleResegment(t *testing.T) {
	t.Parallel()
	for _, seq := range testSequences {
		ts := tuples(t, seq)
		for _, vus := range []int64{1, 2, 3, 5, 7, 10, 100} {
			var iters int64
			for _, tu := range ts {
				rt, ok := tu.Resegment(vus)
				if ok != (tu.Scale(vus) > 0) {
					t.Fatalf("%s, %s: Resegment(%d) ok = %v with %d of the VUs", seq, tu, vus, ok, tu.Scale(vus))
				}
				if ok {
					if want := float64(tu.Scale(vus)) / float64(vus); math.Abs(rt.Share()-want) > 1e-9 {
						t.Errorf("%s, %s: Resegment(%d) share %.4f, want %.4f", seq, tu, vus, rt.Share(), want)
					}
					iters += rt.Scale(1000)
				}
			}
			if iters != 1000 {
				t.Errorf("%s: with %d VUs the segments share 1000 iterations as %d", seq, vus, iters)
			}
		}
	}
}

// The options: checked, written as k6 writes them, layered, and the VUs the run needs scaled.
func TestResolveExecutionSegment(t *testing.T) {
	t.Parallel()
	o := mustFromJSON(t, `{"executionSegment":"33%","executionSegmentSequence":"0,33%,1","vus":10,"duration":"1s"}`)
	r, err := o.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if *r.ExecutionSegment != "0:33/100" || *r.ExecutionSegmentSequence != "0,33/100,1" {
		t.Errorf("resolved = %s, %s; want 0:33/100 and 0,33/100,1", *r.ExecutionSegment, *r.ExecutionSegmentSequence)
	}
	if got := r.MaxConcurrentVUs(); got != 3 {
		t.Errorf("MaxConcurrentVUs = %d, want 3 (a third of 10, rounded as the striping does)", got)
	}
	if len(o.Unknown) != 0 {
		t.Errorf("Unknown = %v: the segment options are known", o.Unknown)
	}
	// Every instance's VUs add up to the test's.
	var sum int64
	for _, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		flags := options.Options{ExecutionSegment: &seg}
		seq := "0,1/3,2/3,1"
		flags.ExecutionSegmentSequence = &seq
		r, err := mustFromJSON(t, `{"scenarios":{
			"a":{"executor":"ramping-vus","stages":[{"duration":"1s","target":7}]},
			"b":{"executor":"constant-arrival-rate","rate":5,"duration":"1s","preAllocatedVUs":2,"maxVUs":5}}}`).Apply(flags).Resolve()
		if err != nil {
			t.Fatal(err)
		}
		sum += r.MaxConcurrentVUs()
	}
	if sum != 12 {
		t.Errorf("the three instances need %d VUs, want 12 (7 + 5)", sum)
	}
}

func TestResolveExecutionSegmentRejects(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"executionSegment":"abc"}`:                                        `option "executionSegment": "abc": "abc" is not a fraction`,
		`{"executionSegmentSequence":"0,1/2,1/3"}`:                          `option "executionSegmentSequence": "0,1/2,1/3": segment 1/2:1/3`,
		`{"executionSegment":"0:1/2","executionSegmentSequence":"0,1/3,1"}`: "executionSegment 0:1/2 is not a segment of executionSegmentSequence 0,1/3,1",
	} {
		_, err := mustFromJSON(t, in).Resolve()
		if !errors.Is(err, options.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%s) = %v, want ErrInvalid containing %q", in, err, want)
		}
	}
	if _, err := options.FromJSON([]byte(`{"executionSegment":5}`)); err == nil || !strings.Contains(err.Error(), `option "executionSegment": 5 is not a string`) {
		t.Errorf("a number as executionSegment: %v", err)
	}
}

// A scenario as one instance describes it: its part of the VUs and shared iterations.
func TestScenarioIn(t *testing.T) {
	t.Parallel()
	o, err := mustFromJSON(t, `{"executionSegment":"0:1/3","executionSegmentSequence":"0,1/3,2/3,1","scenarios":{
		"s":{"executor":"shared-iterations","vus":5,"iterations":100},
		"r":{"executor":"ramping-vus","startVUs":3,"stages":[{"duration":"1s","target":7}]},
		"a":{"executor":"ramping-arrival-rate","preAllocatedVUs":3,"maxVUs":6,"stages":[{"duration":"1s","target":50}]}}}`).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	tu := o.Tuple()
	s := o.Scenarios["s"].In(tu)
	if *s.VUs != 2 || *s.Iterations != 40 {
		t.Errorf("shared-iterations in 0:1/3: %d VUs, %d iterations; want 2 and 40", *s.VUs, *s.Iterations)
	}
	r := o.Scenarios["r"].In(tu)
	if *r.StartVUs != 1 || r.Stages[0].Target != 3 || o.Scenarios["r"].Stages[0].Target != 7 {
		t.Errorf("ramping-vus in 0:1/3: start %d, target %d (the whole scenario's %d); want 1, 3 and 7",
			*r.StartVUs, r.Stages[0].Target, o.Scenarios["r"].Stages[0].Target)
	}
	a := o.Scenarios["a"].In(tu)
	if *a.PreAllocatedVUs != 1 || *a.MaxVUs != 2 || a.Stages[0].Target != 50 {
		t.Errorf("ramping-arrival-rate in 0:1/3: %d-%d VUs, rate %d; want 1-2 and the test's 50", *a.PreAllocatedVUs, *a.MaxVUs, a.Stages[0].Target)
	}
	if whole := o.Scenarios["s"].In(nil); *whole.VUs != 5 {
		t.Errorf("In(nil) changed the scenario")
	}
}
