package metrics

import (
	"math"
	"slices"
)

// trendExactLimit is how many raw values a TrendSink keeps before it switches to the sketch.
// Short runs (smoke tests, a handful of iterations) are the ones people eyeball against their
// own numbers, so they get exact answers; 4096 float64s is only 32 KiB, which is also less
// than a typical sketch spanning a few decades, so staying exact never costs more memory.
const trendExactLimit = 4096

// Sketch parameters.
//
// Bucket i of a store holds the magnitudes in (gamma^(i-1), gamma^i]. Reporting a value from
// that bucket as x gives a relative error of x/gamma^(i-1)-1 at the bottom edge and
// 1-x/gamma^i at the top edge; the two are equal (and the worst case is smallest) when
// x = 2*gamma^i/(gamma+1), the "midpoint in relative terms". The error there is
// (gamma-1)/(gamma+1), and choosing gamma = (1+alpha)/(1-alpha) makes that exactly alpha.
//
// With alpha = 0.005, ln(gamma) ~= 0.01, so one decade of values costs ~230 buckets; the
// whole span from 1e-9 to 1e9 fits in ~4150 buckets per sign, regardless of how many samples
// were added. That is what makes memory depend on the range of the data, not on the count.
const (
	sketchAlpha = 0.005
	sketchGamma = (1 + sketchAlpha) / (1 - sketchAlpha)
	// sketchZeroThreshold separates "zero" from tiny magnitudes. Without it a value like
	// 1e-300 would stretch the dense store across ~70000 empty buckets; timings that small
	// are noise, so they are counted (and reported) as 0.
	sketchZeroThreshold = 1e-9
	// sketchMinGrow is the least slack added when a store grows, so that slowly drifting data
	// (latencies creeping upwards) does not reallocate on every new bucket.
	sketchMinGrow = 64
)

var (
	sketchLnGamma    = math.Log(sketchGamma)
	sketchInvLnGamma = 1 / sketchLnGamma
	// sketchLnMid is ln(2/(gamma+1)): adding it in log space instead of multiplying after
	// math.Exp keeps the estimate of the top bucket finite for values near MaxFloat64.
	sketchLnMid = math.Log(2 / (sketchGamma + 1))
	// The index range is clamped so that a store can never grow without bound: below the
	// zero threshold nothing is stored, and MaxFloat64 (or +Inf) lands in the top bucket.
	sketchMinIndex = int(sketchRawIndex(sketchZeroThreshold))
	sketchMaxIndex = int(sketchRawIndex(math.MaxFloat64))
)

// sketchRawIndex is ceil(log_gamma(m)), the i with gamma^(i-1) < m <= gamma^i, as a float so
// callers can clamp before the (undefined for Inf) conversion to int.
func sketchRawIndex(m float64) float64 {
	return math.Ceil(math.Log(m) * sketchInvLnGamma)
}

// sketchIndex maps a magnitude >= sketchZeroThreshold to its bucket. Rounding in math.Log can
// put a value sitting exactly on a boundary into the neighbouring bucket; that costs at most
// a few ulps of extra relative error, far below alpha.
func sketchIndex(m float64) int {
	f := sketchRawIndex(m)
	switch {
	case f < float64(sketchMinIndex):
		return sketchMinIndex
	case f > float64(sketchMaxIndex) || math.IsNaN(f):
		return sketchMaxIndex
	}
	return int(f)
}

// sketchEstimate is the representative magnitude of bucket i, 2*gamma^i/(gamma+1).
func sketchEstimate(i int) float64 {
	return math.Exp(float64(i)*sketchLnGamma + sketchLnMid)
}

// sketchStore counts magnitudes per bucket in a dense slice. A dense slice beats a map here:
// real data occupies a contiguous band of buckets, so there are few holes, and Add becomes an
// index computation plus an increment with no hashing and no per-entry overhead.
type sketchStore struct {
	counts []uint64
	offset int // bucket index of counts[0]
}

func (s *sketchStore) add(idx int, n uint64) {
	if idx < s.offset || idx >= s.offset+len(s.counts) {
		s.grow(idx, idx)
	}
	s.counts[idx-s.offset] += n
}

// grow makes the slice cover buckets lo..hi. It over-allocates by half the current size (at
// least sketchMinGrow) on the side that grew, so a range that widens one bucket at a time
// costs amortised O(1) per bucket, yet never beyond the clamped index range.
func (s *sketchStore) grow(lo, hi int) {
	curLo, curHi := s.offset, s.offset+len(s.counts) // curHi is exclusive
	if len(s.counts) == 0 {
		curLo, curHi = lo, lo
	}
	slack := max(sketchMinGrow, len(s.counts)/2)
	newLo, newHi := curLo, curHi
	if lo < curLo || len(s.counts) == 0 {
		newLo = max(lo-slack, sketchMinIndex)
	}
	if hi >= curHi {
		newHi = min(hi+1+slack, sketchMaxIndex+1)
	}
	counts := make([]uint64, newHi-newLo)
	copy(counts[curLo-newLo:], s.counts)
	s.counts, s.offset = counts, newLo
}

// merge adds o's counts. Growing once to o's occupied span first keeps it a single
// allocation instead of one per new bucket.
func (s *sketchStore) merge(o *sketchStore) {
	first := slices.IndexFunc(o.counts, func(c uint64) bool { return c != 0 })
	if first < 0 {
		return
	}
	last := len(o.counts) - 1
	for o.counts[last] == 0 {
		last--
	}
	lo, hi := o.offset+first, o.offset+last
	if len(s.counts) == 0 || lo < s.offset || hi >= s.offset+len(s.counts) {
		s.grow(min(lo, s.lowOr(lo)), max(hi, s.highOr(hi)))
	}
	for i := first; i <= last; i++ {
		s.counts[o.offset+i-s.offset] += o.counts[i]
	}
}

// lowOr and highOr give the covered bucket range, or def when the store is empty, so grow
// can be asked for the union of two ranges.
func (s *sketchStore) lowOr(def int) int {
	if len(s.counts) == 0 {
		return def
	}
	return s.offset
}

func (s *sketchStore) highOr(def int) int {
	if len(s.counts) == 0 {
		return def
	}
	return s.offset + len(s.counts) - 1
}

// trendSketch is the bounded-memory form of a TrendSink. Logarithmic buckets only make sense
// for one sign, so negatives are stored by magnitude in their own store (mirrored) and exact
// zeros, which have no logarithm, get a plain counter.
type trendSketch struct {
	neg, pos sketchStore
	zero     uint64
}

func (s *trendSketch) add(v float64) {
	switch {
	case v >= sketchZeroThreshold:
		s.pos.add(sketchIndex(v), 1)
	case v <= -sketchZeroThreshold:
		s.neg.add(sketchIndex(-v), 1)
	default:
		s.zero++
	}
}

func (s *trendSketch) merge(o *trendSketch) {
	s.neg.merge(&o.neg)
	s.pos.merge(&o.pos)
	s.zero += o.zero
}

// valueAt estimates the k-th smallest value (0-based) by walking the buckets in value order:
// negatives from the largest magnitude down, then zeros, then positives upwards. The caller
// guarantees k < count; a walk that runs off the end (which would be a bug) reports +Inf,
// which the caller's clamp to the exact max turns into something sane.
func (s *trendSketch) valueAt(k uint64) float64 {
	var seen uint64
	for i := len(s.neg.counts) - 1; i >= 0; i-- {
		if seen += s.neg.counts[i]; seen > k {
			return -sketchEstimate(s.neg.offset + i)
		}
	}
	if seen += s.zero; seen > k {
		return 0
	}
	for i, c := range s.pos.counts {
		if seen += c; seen > k {
			return sketchEstimate(s.pos.offset + i)
		}
	}
	return math.Inf(1)
}

// TrendSink accumulates float64 samples (typically milliseconds) in bounded memory and answers
// count, sum, min, max, avg and percentiles. Not safe for concurrent use (the caller serialises).
//
// Up to 4096 samples it keeps them all and answers exactly. Past that it folds them into a
// logarithmic sketch whose percentiles are within 0.5% relative error of the true value and
// whose size depends only on how many decades the data spans (tens of KiB for latencies),
// so a 20M-sample soak test costs the same memory as a 5k-sample one. Count, sum, min and
// max are tracked exactly in both modes. Sinks are mergeable, so distributed workers can ship
// theirs to a coordinator without losing accuracy.
//
// The zero value is an empty sink ready to use.
type TrendSink struct {
	count    uint64
	sum      float64
	sumComp  float64 // Neumaier compensation: the low-order bits lost from sum so far
	min, max float64

	exact []float64 // all samples while sketch == nil
	dirty bool      // exact is not known to be sorted

	sketch *trendSketch
}

// NewTrendSink returns an empty sink.
func NewTrendSink() *TrendSink {
	return &TrendSink{}
}

// Add records one sample. NaN is dropped rather than recorded: it has no place in an order,
// and a single NaN would otherwise poison sum and avg for the rest of the run.
func (t *TrendSink) Add(v float64) {
	if math.IsNaN(v) {
		return
	}
	t.observe(v)
	t.count++
	t.addSum(v)
	switch {
	case t.sketch != nil:
		t.sketch.add(v)
	case len(t.exact) < trendExactLimit:
		if n := len(t.exact); n > 0 && v < t.exact[n-1] {
			t.dirty = true
		}
		t.exact = append(t.exact, v)
	default:
		t.fold()
		t.sketch.add(v)
	}
}

func (t *TrendSink) observe(v float64) {
	if t.count == 0 {
		t.min, t.max = v, v
		return
	}
	t.min = min(t.min, v)
	t.max = max(t.max, v)
}

// addSum uses Neumaier's compensated summation. Millions of small latencies added to a
// large running total would otherwise lose their low bits (at 20M samples of ~1ms the naive
// sum drifts in the 7th significant digit); the compensation term collects what each
// addition rounded away. Once the sum is infinite there is nothing left to compensate, and
// Inf-Inf would turn the term into NaN, so it is skipped.
func (t *TrendSink) addSum(v float64) {
	s := t.sum + v
	if !math.IsInf(s, 0) {
		if math.Abs(t.sum) >= math.Abs(v) {
			t.sumComp += (t.sum - s) + v
		} else {
			t.sumComp += (v - s) + t.sum
		}
	}
	t.sum = s
}

// fold moves the exact samples into a new sketch and releases them.
func (t *TrendSink) fold() {
	s := &trendSketch{}
	for _, v := range t.exact {
		s.add(v)
	}
	t.sketch, t.exact, t.dirty = s, nil, false
}

// Count is the number of samples added (NaNs excluded).
func (t *TrendSink) Count() uint64 { return t.count }

// Sum is the compensated sum of all samples.
func (t *TrendSink) Sum() float64 {
	if math.IsInf(t.sum, 0) || math.IsNaN(t.sum) {
		return t.sum
	}
	return t.sum + t.sumComp
}

// Min is the smallest sample, exactly; 0 when empty so summaries of unused metrics print 0.
func (t *TrendSink) Min() float64 {
	if t.count == 0 {
		return 0
	}
	return t.min
}

// Max is the largest sample, exactly; 0 when empty.
func (t *TrendSink) Max() float64 {
	if t.count == 0 {
		return 0
	}
	return t.max
}

// Avg is Sum()/Count(); 0 when empty rather than NaN.
func (t *TrendSink) Avg() float64 {
	if t.count == 0 {
		return 0
	}
	return t.Sum() / float64(t.count)
}

// Med is the median, P(0.5).
func (t *TrendSink) Med() float64 { return t.P(0.5) }

// P returns the q-quantile, q in [0,1], with numpy's default ("linear") definition: the
// value at fractional rank q*(count-1), interpolated between its two neighbours. That is the
// definition k6 and most spreadsheets use, so small-run results match what users compute by
// hand. q <= 0 gives the exact min, q >= 1 the exact max; 0 when empty; NaN q gives NaN.
//
// In sketch mode the two neighbours are the bucket estimates of the ranks either side, so
// each is within alpha of the true order statistic; interpolating between two same-signed
// values each within alpha stays within alpha. The result is clamped to [min, max] because
// a bucket's estimate can lie just outside the data (e.g. a lone sample at a bucket's
// bottom edge is reported 0.5% high).
func (t *TrendSink) P(q float64) float64 {
	switch {
	case t.count == 0:
		return 0
	case math.IsNaN(q):
		return math.NaN()
	case q <= 0:
		return t.min
	case q >= 1:
		return t.max
	}
	if t.sketch == nil {
		return t.exactQuantile(q)
	}
	rank := q * float64(t.count-1)
	k := uint64(rank)
	frac := rank - float64(k)
	v := t.sketch.valueAt(k)
	if frac > 0 && k+1 < t.count {
		v = trendLerp(v, t.sketch.valueAt(k+1), frac)
	}
	return min(max(v, t.min), t.max)
}

// exactQuantile sorts lazily: summaries ask for several percentiles in a row, and the
// samples are only re-sorted if something was added out of order since the last sort.
func (t *TrendSink) exactQuantile(q float64) float64 {
	if t.dirty {
		slices.Sort(t.exact)
		t.dirty = false
	}
	n := len(t.exact)
	pos := q * float64(n-1)
	k := int(pos)
	if k >= n-1 {
		return t.exact[n-1]
	}
	return trendLerp(t.exact[k], t.exact[k+1], pos-float64(k))
}

// trendLerp interpolates lo..hi (lo <= hi) at frac in [0,1) so that the result stays within
// [lo, hi] and is non-decreasing in frac, which is what keeps P monotone in q. The plain
// lo+(hi-lo)*frac breaks in three corner cases: an infinite endpoint (Inf-Inf is NaN; we take
// the limit instead: anything beyond -Inf is still -Inf, anything short of +Inf but past lo is
// +Inf), a difference that overflows (-MaxFloat64..MaxFloat64; the weighted form
// lo*(1-frac)+hi*frac cannot overflow), and rounding that overshoots hi (clamped).
func trendLerp(lo, hi, frac float64) float64 {
	switch {
	case frac <= 0 || lo == hi:
		return lo
	case math.IsInf(lo, -1):
		return lo
	case math.IsInf(hi, 1):
		return hi
	}
	d := hi - lo
	var r float64
	if math.IsInf(d, 0) {
		r = lo*(1-frac) + hi*frac
	} else {
		r = lo + d*frac
	}
	return min(max(r, lo), hi)
}

// Merge adds o's samples into t, as if every sample of o had been added to t. o is not
// modified and may be t itself. Two exact sinks stay exact while their union fits in the
// exact limit; otherwise t becomes a sketch. Sketch buckets are fixed (they depend only on
// gamma, not on the data), so merging two sketches just adds bucket counts and loses nothing:
// the result is identical to the sketch of the combined data.
func (t *TrendSink) Merge(o *TrendSink) {
	if o == nil || o.count == 0 {
		return
	}
	if o == t {
		o = t.clone()
	}
	if t.count == 0 {
		t.min, t.max = o.min, o.max
	} else {
		t.min = min(t.min, o.min)
		t.max = max(t.max, o.max)
	}
	t.count += o.count
	t.addSum(o.sum)
	t.sumComp += o.sumComp

	switch {
	case t.sketch == nil && o.sketch == nil && len(t.exact)+len(o.exact) <= trendExactLimit:
		t.exact = append(t.exact, o.exact...)
		t.dirty = true
		return
	case t.sketch == nil:
		t.fold()
	}
	if o.sketch != nil {
		t.sketch.merge(o.sketch)
		return
	}
	for _, v := range o.exact {
		t.sketch.add(v)
	}
}

// clone is a deep copy, needed so that t.Merge(t) does not read what it is writing.
func (t *TrendSink) clone() *TrendSink {
	c := *t
	c.exact = slices.Clone(t.exact)
	if t.sketch != nil {
		s := *t.sketch
		s.neg.counts = slices.Clone(s.neg.counts)
		s.pos.counts = slices.Clone(s.pos.counts)
		c.sketch = &s
	}
	return &c
}

// Reset empties the sink. The exact buffer's capacity is kept for the next period, but the
// sketch is dropped: a period with an outlier-wide range should not pin that memory forever.
func (t *TrendSink) Reset() {
	*t = TrendSink{exact: t.exact[:0]}
}
