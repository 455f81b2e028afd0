package options

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// Execution segments split one test between several instances, as k6's
// --execution-segment and --execution-segment-sequence do: each instance runs its segment, a
// share (from, to] of the work, and the instances of one sequence together run exactly what one
// unsegmented run would, with no coordinator: each works out its own share from the two options.
//
// The work of a scenario is a row of numbered items: its VUs, its iterations, its arrival-rate
// ticks. A sequence gives each item to exactly one of its segments, in a pattern that repeats
// every L items, L being the least common denominator of the segments' lengths: a segment of
// length n/L owns n items of every L. Within the pattern each segment's items are spread out
// rather than taken in a block (striping): item i goes to the first segment, largest first,
// that is due an item, that is, one that has so far taken no more than i·n/L items. A third of the
// test thus owns every third item, so an instance's arrivals are as evenly spaced as the whole
// test's, and the VU counts of the instances add up to the test's at every moment of a ramp.

// maxStripe bounds L, the length of the repeating pattern: segments such as 0.3333333 would make
// it millions long and slow to build. Fractions (1/3) keep it small.
const maxStripe = 1_000_000

var (
	ratZero = big.NewRat(0, 1)
	ratOne  = big.NewRat(1, 1)
)

// Segment is an execution segment: the share (From, To] of the test an instance runs, with
// 0 <= From < To <= 1.
type Segment struct {
	From, To *big.Rat
}

// String is the segment as k6 writes it: "1/3:2/3", "0:1".
func (s Segment) String() string { return s.From.RatString() + ":" + s.To.RatString() }

// ParseSegment reads an execution segment as k6 does: "FROM:TO", or one value meaning "0:VALUE"
// ("33%" is 0:33/100, "2/3" is 0:2/3). Each value is a fraction (1/3), a decimal (0.2) or a
// percentage (25%).
func ParseSegment(s string) (Segment, error) {
	s = strings.TrimSpace(s)
	fromStr, toStr, hasFrom := strings.Cut(s, ":")
	if !hasFrom {
		fromStr, toStr = "0", s
	}
	from, err := parseShare(fromStr)
	if err != nil {
		return Segment{}, err
	}
	to, err := parseShare(toStr)
	if err != nil {
		return Segment{}, err
	}
	seg := Segment{From: from, To: to}
	return seg, checkRange(from, to)
}

// checkRange refuses a segment that is not 0 <= from < to <= 1.
func checkRange(from, to *big.Rat) error {
	switch {
	case from.Cmp(ratZero) < 0:
		return fmt.Errorf("the start %s is below 0", from.RatString())
	case to.Cmp(ratOne) > 0:
		return fmt.Errorf("the end %s is above 1", to.RatString())
	case from.Cmp(to) >= 0:
		return fmt.Errorf("the start %s is not before the end %s", from.RatString(), to.RatString())
	}
	return nil
}

// parseShare reads one point of a segment or sequence: 1/3, 0.25 or 25%.
func parseShare(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	r, ok := new(big.Rat).SetString(strings.TrimSuffix(s, "%"))
	if !ok {
		return nil, fmt.Errorf("%q is not a fraction (1/3), a decimal (0.25) or a percentage (25%%)", s)
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}

// SegmentSequence is the points of an execution segment sequence: "0,1/3,2/3,1" is the
// segments 0:1/3, 1/3:2/3 and 2/3:1.
type SegmentSequence []*big.Rat

// String is the sequence as k6 writes it: "0,1/3,2/3,1".
func (q SegmentSequence) String() string {
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = p.RatString()
	}
	return strings.Join(parts, ",")
}

// ParseSegmentSequence reads k6's comma-separated points, at least two, each after the one
// before it, all within 0 and 1.
func ParseSegmentSequence(s string) (SegmentSequence, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%q: a sequence needs at least 2 points, e.g. 0,1/2,1", s)
	}
	q := make(SegmentSequence, len(parts))
	for i, p := range parts {
		r, err := parseShare(p)
		if err != nil {
			return nil, err
		}
		q[i] = r
		if i > 0 {
			if err := checkRange(q[i-1], r); err != nil {
				return nil, fmt.Errorf("segment %s:%s: %w", q[i-1].RatString(), r.RatString(), err)
			}
		}
	}
	return q, nil
}

// Tuple is one segment of a full sequence (from 0 to 1) with the striping pattern worked out:
// what an instance needs to know its share of everything. A nil *Tuple is the whole test.
type Tuple struct {
	points SegmentSequence // from 0 to 1
	index  int             // this instance's segment: points[index] to points[index+1]
	stripe int64           // L: the pattern's length
	owner  []int32         // the segment each of the pattern's items goes to
	mine   []int64         // the pattern's items that go to index, ascending
}

// NewTuple places segment (nil: 0:1) in the sequence (nil: the segment alone), which is filled
// out to start at 0 and end at 1, as k6 does. The segment must be one of the sequence's.
func NewTuple(segment *Segment, seq SegmentSequence) (*Tuple, error) {
	seg := Segment{From: ratZero, To: ratOne}
	if segment != nil {
		seg = *segment
	}
	points := append(SegmentSequence(nil), seq...)
	if len(points) == 0 {
		points = SegmentSequence{seg.From, seg.To}
	}
	if points[0].Cmp(ratZero) != 0 {
		points = append(SegmentSequence{ratZero}, points...)
	}
	if points[len(points)-1].Cmp(ratOne) != 0 {
		points = append(points, ratOne)
	}
	for i := range len(points) - 1 {
		if points[i].Cmp(seg.From) == 0 && points[i+1].Cmp(seg.To) == 0 {
			return newTuple(points, i)
		}
	}
	if segment == nil {
		return nil, fmt.Errorf("executionSegmentSequence %s is set but executionSegment is not: say which of its segments this instance runs", seq)
	}
	names := make([]string, len(points)-1)
	for i := range names {
		names[i] = Segment{From: points[i], To: points[i+1]}.String()
	}
	return nil, fmt.Errorf("executionSegment %s is not a segment of executionSegmentSequence %s (%s)", seg, seq, strings.Join(names, ", "))
}

// newTuple works out the striping pattern of a full sequence.
func newTuple(points SegmentSequence, index int) (*Tuple, error) {
	k := len(points) - 1
	lengths := make([]*big.Rat, k)
	stripe := int64(1)
	for i := range k {
		lengths[i] = new(big.Rat).Sub(points[i+1], points[i])
		d := lengths[i].Denom()
		if !d.IsInt64() || d.Int64() > maxStripe {
			return nil, fmt.Errorf("segment %s: its length's denominator is over %d; use a fraction such as 1/3", Segment{From: points[i], To: points[i+1]}, maxStripe)
		}
		stripe = lcm(stripe, d.Int64())
		if stripe > maxStripe {
			return nil, fmt.Errorf("sequence %s: the segments' lengths need a common denominator over %d; use fractions such as 1/3", points, maxStripe)
		}
	}
	// n[i]: the items of every stripe that segment i owns.
	n := make([]int64, k)
	for i, l := range lengths {
		n[i] = l.Num().Int64() * (stripe / l.Denom().Int64())
	}
	// Largest first, so the segments that need the most items never have to take them in a
	// row; equal ones in sequence order.
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return n[order[a]] > n[order[b]] })
	t := &Tuple{points: points, index: index, stripe: stripe, owner: make([]int32, stripe)}
	taken := make([]int64, k)
	for i := range stripe {
		chosen := -1
		for _, j := range order {
			// Due: its taken items are no more than its fair share of the first i, i·n/L.
			if taken[j]*stripe <= i*n[j] {
				chosen = j
				break
			}
		}
		if chosen < 0 {
			// Not reachable: the taken counts add up to i, so one of them is at most its share.
			return nil, errors.New("execution segments: the striping pattern has a gap")
		}
		taken[chosen]++
		t.owner[i] = int32(chosen)
		if chosen == index {
			t.mine = append(t.mine, i)
		}
	}
	return t, nil
}

// lcm is the least common multiple of two positive numbers.
func lcm(a, b int64) int64 {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// String is "SEGMENT in SEQUENCE".
func (t *Tuple) String() string {
	if t == nil {
		return "0:1"
	}
	return t.Segment().String() + " in " + t.points.String()
}

// Segment is the tuple's segment (0:1 for the whole test).
func (t *Tuple) Segment() Segment {
	if t == nil {
		return Segment{From: ratZero, To: ratOne}
	}
	return Segment{From: t.points[t.index], To: t.points[t.index+1]}
}

// Share is the segment's length, 1 for the whole test.
func (t *Tuple) Share() float64 {
	if t == nil {
		return 1
	}
	f, _ := new(big.Rat).Sub(t.points[t.index+1], t.points[t.index]).Float64()
	return f
}

// Scale is the segment's part of v items: how many of items 0 to v-1 it owns. The parts of all
// the sequence's segments add up to v exactly, and each grows with v, never shrinks.
func (t *Tuple) Scale(v int64) int64 {
	if t == nil || v <= 0 {
		return max(v, 0)
	}
	rest := v % t.stripe
	return v/t.stripe*int64(len(t.mine)) + int64(sort.Search(len(t.mine), func(i int) bool { return t.mine[i] >= rest }))
}

// scaleOf is Scale for any segment i of the sequence (slower: it reads the whole pattern).
func (t *Tuple) scaleOf(i int, v int64) int64 {
	whole, rest := v/t.stripe, v%t.stripe
	var per, inRest int64
	for p, o := range t.owner {
		if int(o) != i {
			continue
		}
		per++
		if int64(p) < rest {
			inRest++
		}
	}
	return whole*per + inRest
}

// Global is the test-wide number of the segment's local-th item (both from 0): the items it owns
// are, in order, Global(0), Global(1), ...
func (t *Tuple) Global(local int64) int64 {
	if t == nil || local < 0 {
		return local
	}
	m := int64(len(t.mine))
	return local/m*t.stripe + t.mine[local%m]
}

// Owns reports whether item i (from 0) of the test is the segment's.
func (t *Tuple) Owns(i int64) bool {
	if t == nil {
		return true
	}
	return int(t.owner[i%t.stripe]) == t.index
}

// Resegment is k6's way of sharing work that follows a number of VUs: the sequence made anew so
// that each segment's length is its part of value (Scale) over value, segments left with no part
// dropped. Shared iterations follow the scenario's VUs and arrival-rate ticks its maxVUs this
// way, so an instance with no VU of a scenario gets none of its work. ok is false when this
// segment has no part of value.
func (t *Tuple) Resegment(value int64) (rt *Tuple, ok bool) {
	if t == nil {
		return nil, value > 0
	}
	if value <= 0 {
		return nil, false
	}
	if value%t.stripe == 0 {
		return t, true // every segment's part is exactly its length
	}
	points := SegmentSequence{ratZero}
	index, sum := -1, int64(0)
	for i := range len(t.points) - 1 {
		part := t.scaleOf(i, value)
		if part == 0 {
			continue
		}
		if i == t.index {
			index = len(points) - 1
		}
		sum += part
		points = append(points, big.NewRat(sum, value))
	}
	if index < 0 {
		return nil, false
	}
	nt, err := newTuple(points, index)
	if err != nil {
		// The new lengths are parts of value: their denominators divide it. Only a value
		// over maxStripe can get here; fall back to the segment's own striping, which shares
		// as fairly, only without following the VUs.
		return t, true
	}
	return nt, true
}

// ParseTuple reads the executionSegment and executionSegmentSequence options (either may be
// ""): the instance's tuple, nil for the whole test.
func ParseTuple(segment, sequence string) (*Tuple, error) {
	t, errs := segmentTuple(&segment, &sequence)
	return t, errors.Join(errs...)
}

// segmentTuple parses the two options into a tuple; nil when neither is set.
func segmentTuple(segment, sequence *string) (*Tuple, []error) {
	var errs []error
	var seg *Segment
	var seq SegmentSequence
	if segment != nil && strings.TrimSpace(*segment) != "" {
		s, err := ParseSegment(*segment)
		if err != nil {
			errs = append(errs, fmt.Errorf("option \"executionSegment\": %q: %w", *segment, err))
		} else {
			seg = &s
		}
	}
	if sequence != nil && strings.TrimSpace(*sequence) != "" {
		q, err := ParseSegmentSequence(*sequence)
		if err != nil {
			errs = append(errs, fmt.Errorf("option \"executionSegmentSequence\": %q: %w", *sequence, err))
		} else {
			seq = q
		}
	}
	if len(errs) > 0 || (seg == nil && seq == nil) {
		return nil, errs
	}
	t, err := NewTuple(seg, seq)
	if err != nil {
		return nil, []error{err}
	}
	if seg != nil && seg.From.Cmp(ratZero) == 0 && seg.To.Cmp(ratOne) == 0 {
		return nil, nil // 0:1 is the whole test
	}
	return t, nil
}

// Tuple is the execution segment this instance runs, from the executionSegment and
// executionSegmentSequence options; nil (the whole test) when they are not set or before
// Resolve.
func (o Options) Tuple() *Tuple { return o.segment }

// PeakVUsIn is PeakVUs for the instance that runs segment t of the test (nil: all of it): its part
// of the scenario's VUs, maxVUs or highest ramp target.
func (s Scenario) PeakVUsIn(t *Tuple) int64 { return t.Scale(s.PeakVUs()) }

// In is the scenario as the instance running segment t sees it, for describing it (the banner,
// inspect): its VU counts are its part of the scenario's, and shared-iterations' iterations its
// part of those. Rates stay the test's (an arrival-rate instance starts the ticks it owns of
// the test's schedule). The executors take their parts from the whole scenario themselves.
func (s Scenario) In(t *Tuple) Scenario {
	if t == nil {
		return s
	}
	scaled := func(p *int64) *int64 {
		if p == nil {
			return nil
		}
		v := t.Scale(*p)
		return &v
	}
	if s.Executor == SharedIterations && s.VUs != nil && s.Iterations != nil {
		n := int64(0)
		if it, ok := t.Resegment(*s.VUs); ok {
			n = it.Scale(*s.Iterations)
		}
		s.Iterations = &n
	}
	s.VUs, s.StartVUs = scaled(s.VUs), scaled(s.StartVUs)
	s.PreAllocatedVUs, s.MaxVUs = scaled(s.PreAllocatedVUs), scaled(s.MaxVUs)
	if s.Executor == RampingVUs {
		stages := make([]Stage, len(s.Stages))
		for i, st := range s.Stages {
			stages[i] = Stage{Duration: st.Duration, Target: t.Scale(st.Target)}
		}
		s.Stages = stages
	}
	return s
}
