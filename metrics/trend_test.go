package metrics

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// trendTestQuantiles are the percentiles the summary and thresholds use most.
var trendTestQuantiles = []float64{0.5, 0.9, 0.95, 0.99, 0.999}

// trendTolerance is what the tests demand of the sketch: twice the designed worst case
// (alpha = 0.5%), leaving room for rounding at bucket boundaries and nothing else.
const trendTolerance = 0.01

// trendRefQuantile is the reference: numpy's "linear" percentile of sorted data.
func trendRefQuantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	pos := q * float64(n-1)
	k := int(math.Floor(pos))
	if k >= n-1 {
		return sorted[n-1]
	}
	return sorted[k] + (sorted[k+1]-sorted[k])*(pos-float64(k))
}

// trendRelErr is |got-want|/|want|; an exact zero must be reported as exactly zero.
func trendRelErr(got, want float64) float64 {
	if want == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func trendAlmostEqual(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func trendSinkOf(vs ...float64) *TrendSink {
	t := NewTrendSink()
	for _, v := range vs {
		t.Add(v)
	}
	return t
}

func TestTrendSinkExactSmall(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	type pq struct{ q, want float64 }
	tests := []struct {
		name                    string
		in                      []float64
		count                   uint64
		sum, min, max, avg, med float64
		ps                      []pq
	}{
		{name: "empty", ps: []pq{{0, 0}, {0.5, 0}, {0.99, 0}, {1, 0}}},
		{name: "one value", in: []float64{7}, count: 1, sum: 7, min: 7, max: 7, avg: 7, med: 7,
			ps: []pq{{0, 7}, {0.1, 7}, {0.999, 7}, {1, 7}}},
		{name: "two values median", in: []float64{1, 3}, count: 2, sum: 4, min: 1, max: 3, avg: 2, med: 2,
			ps: []pq{{0.25, 1.5}, {0.75, 2.5}}},
		{name: "1..4", in: []float64{1, 2, 3, 4}, count: 4, sum: 10, min: 1, max: 4, avg: 2.5, med: 2.5,
			ps: []pq{{0.9, 3.7}, {0.25, 1.75}, {0.95, 3.85}, {0.99, 3.97}, {1.0 / 3, 2}}},
		{name: "unsorted input", in: []float64{4, 1, 3, 2}, count: 4, sum: 10, min: 1, max: 4, avg: 2.5, med: 2.5,
			ps: []pq{{0.9, 3.7}, {0.25, 1.75}}},
		{name: "negatives and zero", in: []float64{5, -5, 0}, count: 3, sum: 0, min: -5, max: 5, avg: 0, med: 0,
			ps: []pq{{0.25, -2.5}, {0.75, 2.5}}},
		{name: "duplicates", in: []float64{2, 2, 2, 2, 9}, count: 5, sum: 17, min: 2, max: 9, avg: 3.4, med: 2,
			ps: []pq{{0.75, 2}, {0.9, 6.2}}},
		{name: "NaN ignored", in: []float64{nan, 1, nan, 3, nan}, count: 2, sum: 4, min: 1, max: 3, avg: 2, med: 2,
			ps: []pq{{0.5, 2}}},
		{name: "only NaN", in: []float64{nan, nan}, ps: []pq{{0.5, 0}}},
		{name: "q out of range clamps", in: []float64{10, 20, 30}, count: 3, sum: 60, min: 10, max: 30, avg: 20, med: 20,
			ps: []pq{{-1, 10}, {2, 30}, {math.Inf(-1), 10}, {math.Inf(1), 30}}},
		{name: "tiny values stay exact", in: []float64{1e-12, 2e-12, 3e-12}, count: 3, sum: 6e-12, min: 1e-12, max: 3e-12,
			avg: 2e-12, med: 2e-12, ps: []pq{{0.75, 2.5e-12}}},
		{name: "infinities", in: []float64{math.Inf(-1), 1, math.Inf(1)}, count: 3, sum: nan,
			min: math.Inf(-1), max: math.Inf(1), avg: nan, med: 1,
			ps: []pq{{0.25, math.Inf(-1)}, {0.75, math.Inf(1)}}},
		{name: "overflowing difference", in: []float64{-math.MaxFloat64, math.MaxFloat64}, count: 2, sum: 0,
			min: -math.MaxFloat64, max: math.MaxFloat64, avg: 0, med: 0, ps: []pq{{0.75, math.MaxFloat64 / 2}}},
	}
	same := func(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || trendAlmostEqual(a, b) }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := trendSinkOf(tc.in...)
			if got := s.Count(); got != tc.count {
				t.Errorf("Count() = %d, want %d", got, tc.count)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"Sum", s.Sum(), tc.sum}, {"Min", s.Min(), tc.min}, {"Max", s.Max(), tc.max},
				{"Avg", s.Avg(), tc.avg}, {"Med", s.Med(), tc.med},
			} {
				if !same(c.got, c.want) {
					t.Errorf("%s() = %v, want %v", c.name, c.got, c.want)
				}
			}
			for _, p := range tc.ps {
				if got := s.P(p.q); !same(got, p.want) {
					t.Errorf("P(%v) = %v, want %v", p.q, got, p.want)
				}
			}
		})
	}
}

// TestTrendSinkResort checks the cached sort is invalidated by out-of-order adds and that
// in-order adds (the common case for a single slow-growing series) keep matching.
func TestTrendSinkResort(t *testing.T) {
	t.Parallel()
	s := trendSinkOf(1, 2, 3)
	if got := s.Med(); got != 2 {
		t.Fatalf("Med() = %v, want 2", got)
	}
	s.Add(4)
	if got := s.Med(); got != 2.5 {
		t.Fatalf("after in-order add Med() = %v, want 2.5", got)
	}
	s.Add(-10)
	s.Add(-20)
	if got := s.Med(); got != 1.5 {
		t.Fatalf("after out-of-order add Med() = %v, want 1.5", got)
	}
	if got := s.P(0); got != -20 {
		t.Fatalf("P(0) = %v, want -20", got)
	}
}

// TestTrendSinkExactBoundary pins the switch-over: 4096 samples are still answered exactly,
// the 4097th turns the sink into a sketch.
func TestTrendSinkExactBoundary(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var data []float64
	s := NewTrendSink()
	for range trendExactLimit {
		v := r.ExpFloat64() * 10
		data = append(data, v)
		s.Add(v)
	}
	sorted := slices.Sorted(slices.Values(data))
	for _, q := range trendTestQuantiles {
		if got, want := s.P(q), trendRefQuantile(sorted, q); got != want {
			t.Errorf("at limit P(%v) = %v, want exactly %v", q, got, want)
		}
	}
	if s.sketch != nil {
		t.Fatal("sink folded at exactly the limit")
	}
	s.Add(1)
	if s.sketch == nil || s.exact != nil {
		t.Fatal("sink did not fold past the limit")
	}
	data = append(data, 1)
	sorted = slices.Sorted(slices.Values(data))
	for _, q := range trendTestQuantiles {
		if got, want := s.P(q), trendRefQuantile(sorted, q); trendRelErr(got, want) > trendTolerance {
			t.Errorf("after fold P(%v) = %v, want %v", q, got, want)
		}
	}
}

// trendDist is a named generator of test data.
type trendDist struct {
	name string
	gen  func(r *rand.Rand) float64
	qs   []float64 // extra quantiles worth checking for this shape
}

var trendDists = []trendDist{
	{name: "uniform 0..1000", gen: func(r *rand.Rand) float64 { return r.Float64() * 1000 }},
	{name: "exponential mean 5", gen: func(r *rand.Rand) float64 { return r.ExpFloat64() * 5 }},
	{name: "lognormal mu=ln50 sigma=1.5", gen: func(r *rand.Rand) float64 {
		return math.Exp(math.Log(50) + 1.5*r.NormFloat64())
	}, qs: []float64{0.01, 0.1}},
	{name: "sub-millisecond uniform 0.001..0.5", gen: func(r *rand.Rand) float64 {
		return 0.001 + r.Float64()*0.499
	}, qs: []float64{0.001, 0.01}},
	{
		// 30% negatives, 12% exact zeros, 3% magnitudes below the zero threshold, 55%
		// positives: the low quantiles land in the negative store, 0.35 and 0.4 among the
		// exact zeros. No checked quantile lands among the sub-threshold values, which the
		// sketch reports as 0 (infinite relative, but < 1e-9 absolute, error).
		name: "mixed negatives zeros positives",
		gen: func(r *rand.Rand) float64 {
			switch u := r.Float64(); {
			case u < 0.3:
				return -r.ExpFloat64() * 20
			case u < 0.42:
				return 0
			case u < 0.45:
				return (r.Float64() - 0.5) * 1e-10
			default:
				return math.Exp(2 + r.NormFloat64())
			}
		},
		qs: []float64{0.001, 0.01, 0.1, 0.25, 0.35, 0.4, 0.6},
	},
}

func trendGen(d trendDist, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float64, n)
	for i := range out {
		out[i] = d.gen(r)
	}
	return out
}

// TestTrendSinkDistributions compares the sketch against exact percentiles of the same 1M
// samples, and checks that count, sum, min, max and avg stay exact in sketch mode.
func TestTrendSinkDistributions(t *testing.T) {
	t.Parallel()
	const n = 1_000_000
	for i, d := range trendDists {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			data := trendGen(d, n, uint64(i+1))
			s := NewTrendSink()
			for _, v := range data {
				s.Add(v)
			}
			if s.sketch == nil {
				t.Fatal("1M samples did not switch to the sketch")
			}

			sorted := slices.Sorted(slices.Values(data))
			worst, worstQ := 0.0, 0.0
			for _, q := range append(slices.Clone(trendTestQuantiles), d.qs...) {
				got, want := s.P(q), trendRefQuantile(sorted, q)
				e := trendRelErr(got, want)
				if e > trendTolerance {
					t.Errorf("P(%v) = %v, exact %v, relative error %.4g > %v", q, got, want, e, trendTolerance)
				}
				if e > worst {
					worst, worstQ = e, q
				}
			}
			t.Logf("%s: worst relative error %.4f%% at P(%v)", d.name, worst*100, worstQ)

			if got := s.Count(); got != n {
				t.Errorf("Count() = %d, want %d", got, n)
			}
			if got, want := s.Min(), sorted[0]; got != want {
				t.Errorf("Min() = %v, want %v", got, want)
			}
			if got, want := s.Max(), sorted[n-1]; got != want {
				t.Errorf("Max() = %v, want %v", got, want)
			}
			if got, want := s.P(0), sorted[0]; got != want {
				t.Errorf("P(0) = %v, want %v", got, want)
			}
			if got, want := s.P(1), sorted[n-1]; got != want {
				t.Errorf("P(1) = %v, want %v", got, want)
			}
			exactSum := trendExactSum(data)
			if got := s.Sum(); trendRelErr(got, exactSum) > 1e-12 && math.Abs(got-exactSum) > 1e-9 {
				t.Errorf("Sum() = %v, exact %v", got, exactSum)
			}
			if got, want := s.Avg(), exactSum/n; trendRelErr(got, want) > 1e-12 && math.Abs(got-want) > 1e-12 {
				t.Errorf("Avg() = %v, exact %v", got, want)
			}
		})
	}
}

// trendExactSum adds with 1024-bit precision, so it is the correctly rounded sum for any data
// these tests use.
func trendExactSum(vs []float64) float64 {
	acc := new(big.Float).SetPrec(1024)
	for _, v := range vs {
		acc.Add(acc, new(big.Float).SetPrec(1024).SetFloat64(v))
	}
	f, _ := acc.Float64()
	return f
}

// TestTrendSinkSumCompensated is the case naive summation gets wrong: 2M increments of 0.1
// on top of a large value. Naively each addition rounds to a multiple of 2^-23 (the ulp of
// 1e9) and the rounding errors pile up; the exact sum is 1e9 + 2e6*fl(0.1), computed in
// big.Float, and the compensated sum must hit it exactly.
func TestTrendSinkSumCompensated(t *testing.T) {
	t.Parallel()
	const n = 2_000_000
	s := trendSinkOf(1e9)
	naive := 1e9
	for range n {
		s.Add(0.1)
		naive += 0.1
	}
	exact := new(big.Float).SetPrec(256).SetFloat64(0.1)
	exact.Mul(exact, new(big.Float).SetPrec(256).SetInt64(n))
	exact.Add(exact, new(big.Float).SetPrec(256).SetFloat64(1e9))
	want, _ := exact.Float64()
	if got := s.Sum(); got != want {
		t.Errorf("Sum() = %v, exact %v (naive summation gives %v)", got, want, naive)
	}
}

func TestTrendSinkMerge(t *testing.T) {
	t.Parallel()
	lognormal, mixed := trendDists[2], trendDists[4]
	tests := []struct {
		name       string
		a, b       []float64
		wantSketch bool
	}{
		{name: "empty into empty"},
		{name: "exact into empty", b: []float64{1, 2, 3}},
		{name: "empty into exact", a: []float64{1, 2, 3}},
		{name: "exact+exact stays exact", a: []float64{1, 2}, b: []float64{3, 4}},
		{name: "exact+exact stays exact at limit", a: trendGen(lognormal, 2048, 1), b: trendGen(lognormal, 2048, 2)},
		{name: "exact+exact overflows into sketch", a: trendGen(lognormal, 3000, 3), b: trendGen(lognormal, 3000, 4),
			wantSketch: true},
		{name: "exact into sketch", a: trendGen(lognormal, 200_000, 5), b: trendGen(mixed, 1000, 6), wantSketch: true},
		{name: "sketch into exact", a: trendGen(mixed, 1000, 7), b: trendGen(lognormal, 200_000, 8), wantSketch: true},
		{name: "sketch into empty", b: trendGen(mixed, 200_000, 9), wantSketch: true},
		{name: "sketch+sketch", a: trendGen(lognormal, 600_000, 10), b: trendGen(mixed, 400_000, 11), wantSketch: true},
		{name: "sketch+sketch disjoint ranges", a: trendGen(trendDists[3], 300_000, 12), b: trendGen(trendDists[0], 300_000, 13),
			wantSketch: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := trendSinkOf(tc.a...), trendSinkOf(tc.b...)
			bCount, bMin, bMax := b.Count(), b.Min(), b.Max()
			a.Merge(b)
			if b.Count() != bCount || b.Min() != bMin || b.Max() != bMax {
				t.Error("Merge modified its argument")
			}

			all := append(slices.Clone(tc.a), tc.b...)
			union := trendSinkOf(all...)
			sorted := slices.Sorted(slices.Values(all))
			if (a.sketch != nil) != tc.wantSketch {
				t.Errorf("merged sink is sketch = %v, want %v", a.sketch != nil, tc.wantSketch)
			}
			if a.Count() != uint64(len(all)) || a.Min() != union.Min() || a.Max() != union.Max() {
				t.Errorf("count/min/max = %d/%v/%v, want %d/%v/%v",
					a.Count(), a.Min(), a.Max(), len(all), union.Min(), union.Max())
			}
			if !trendAlmostEqual(a.Sum(), union.Sum()) {
				t.Errorf("Sum() = %v, want %v", a.Sum(), union.Sum())
			}
			for _, q := range append([]float64{0, 0.1, 0.25, 0.75, 1}, trendTestQuantiles...) {
				got, want := a.P(q), trendRefQuantile(sorted, q)
				if e := trendRelErr(got, want); e > trendTolerance || (!tc.wantSketch && !trendAlmostEqual(got, want)) {
					t.Errorf("P(%v) = %v, exact %v", q, got, want)
				}
				// Buckets are data-independent, so however the merge got there its bucket
				// counts are those of the sketch of the union: equal bit for bit, not close.
				if a.sketch != nil && union.sketch != nil && a.P(q) != union.P(q) {
					t.Errorf("P(%v) = %v, sketch of the union gives %v", q, a.P(q), union.P(q))
				}
			}
		})
	}
}

func TestTrendSinkMergeSelf(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, 3000, 100_000} {
		data := trendGen(trendDists[1], n, uint64(n))
		s := trendSinkOf(data...)
		s.Merge(s)
		twice := append(slices.Clone(data), data...)
		sorted := slices.Sorted(slices.Values(twice))
		if s.Count() != uint64(2*n) {
			t.Errorf("n=%d: Count() = %d, want %d", n, s.Count(), 2*n)
		}
		for _, q := range trendTestQuantiles {
			if got, want := s.P(q), trendRefQuantile(sorted, q); trendRelErr(got, want) > trendTolerance {
				t.Errorf("n=%d: P(%v) = %v, want %v", n, q, got, want)
			}
		}
	}
}

func TestTrendSinkReset(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10, 10_000} {
		s := trendSinkOf(trendGen(trendDists[0], n, 42)...)
		s.Reset()
		if s.Count() != 0 || s.Sum() != 0 || s.Min() != 0 || s.Max() != 0 || s.Avg() != 0 || s.P(0.9) != 0 || s.sketch != nil {
			t.Fatalf("n=%d: sink not empty after Reset", n)
		}
		s.Add(-3)
		s.Add(5)
		if s.Count() != 2 || s.Min() != -3 || s.Max() != 5 || s.Med() != 1 {
			t.Fatalf("n=%d: after Reset and two adds got count=%d min=%v max=%v med=%v", n, s.Count(), s.Min(), s.Max(), s.Med())
		}
	}
}

// TestTrendSinkBucketsBounded checks memory tracks the data's range, not its count: 1M
// samples spanning 1e-3..1e6 (9 decades) need about 9*ln(10)/ln(gamma) ~ 2070 buckets.
func TestTrendSinkBucketsBounded(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	s := NewTrendSink()
	for range 1_000_000 {
		s.Add(math.Pow(10, -3+9*r.Float64()))
	}
	s.Add(1e300) // top of the range
	s.Add(-1e-8) // a negative just above the zero threshold
	s.Add(math.Inf(1))
	want := int(math.Ceil(math.Log(1e300/1e-3)/sketchLnGamma)) + 1
	if got := len(s.sketch.pos.counts); got > 2*want {
		t.Errorf("positive store has %d buckets, want about %d", got, want)
	}
	if got := len(s.sketch.neg.counts); got > 2*sketchMinGrow+1 {
		t.Errorf("negative store has %d buckets for one value", got)
	}
	if got := s.P(1); !math.IsInf(got, 1) {
		t.Errorf("P(1) = %v, want +Inf", got)
	}
	if got := s.P(0.999999); got < 1e5 || math.IsNaN(got) {
		t.Errorf("P(0.999999) = %v", got)
	}
}

// BenchmarkTrendSinkAdd measures the steady state: the sink is in sketch mode after the first
// 4096 iterations, so ns/op is the cost of one bucketed Add.
func BenchmarkTrendSinkAdd(b *testing.B) {
	vals := trendGen(trendDists[2], 1<<16, 99)
	s := NewTrendSink()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Add(vals[i&(len(vals)-1)])
		i++
	}
}

// BenchmarkTrendSinkMemory shows memory is flat in the sample count: the heap in use after
// 1M and after 20M lognormal samples should be the same few tens of KiB. Run it with
// -benchtime=1x; ns/op is the time for the whole 20M-sample run.
func BenchmarkTrendSinkMemory(b *testing.B) {
	heapInUse := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	var at1M, at20M int64
	for b.Loop() {
		r := rand.New(rand.NewPCG(3, 4))
		base := heapInUse()
		s := NewTrendSink()
		for range 1_000_000 {
			s.Add(math.Exp(math.Log(50) + 1.5*r.NormFloat64()))
		}
		at1M = heapInUse() - base
		for range 19_000_000 {
			s.Add(math.Exp(math.Log(50) + 1.5*r.NormFloat64()))
		}
		at20M = heapInUse() - base
		runtime.KeepAlive(s)
	}
	b.ReportMetric(float64(at1M), "heap-bytes-1M")
	b.ReportMetric(float64(at20M), "heap-bytes-20M")
}

func trendFuzzEncode(vs ...float64) []byte {
	out := make([]byte, 0, 8*len(vs))
	for _, v := range vs {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return out
}

// FuzzTrendSink feeds arbitrary float64s (data is read 8 bytes at a time, cycled up to
// repeat times so inputs can cross into sketch mode) and checks the invariants every caller
// relies on: no panic, exact count/min/max, P within [min, max] and non-decreasing in q,
// and the same for a sink merged from two halves.
func FuzzTrendSink(f *testing.F) {
	inf := math.Inf(1)
	f.Add(trendFuzzEncode(), uint16(0))
	f.Add(trendFuzzEncode(1, 2, 3, 4), uint16(1))
	f.Add(trendFuzzEncode(0, math.Copysign(0, -1), 1e-10, -1e-10, 1e-9, -1e-9), uint16(800))
	f.Add(trendFuzzEncode(inf, -inf, math.NaN(), 1), uint16(2000))
	f.Add(trendFuzzEncode(math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64), uint16(1500))
	f.Add(trendFuzzEncode(0.5, 12.25, 1e6, -3), uint16(5000))
	f.Fuzz(func(t *testing.T, data []byte, repeat uint16) {
		var vals []float64
		for len(data) >= 8 {
			vals = append(vals, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			data = data[8:]
		}
		total := 0
		if len(vals) > 0 {
			total = min(len(vals)*max(1, int(repeat)), 3*trendExactLimit)
		}
		whole, lo, hi := NewTrendSink(), NewTrendSink(), NewTrendSink()
		var count uint64
		wantMin, wantMax := math.Inf(1), math.Inf(-1)
		for i := range total {
			v := vals[i%len(vals)]
			whole.Add(v)
			if i < total/2 {
				lo.Add(v)
			} else {
				hi.Add(v)
			}
			if !math.IsNaN(v) {
				count++
				wantMin, wantMax = min(wantMin, v), max(wantMax, v)
			}
		}
		lo.Merge(hi)
		for name, s := range map[string]*TrendSink{"whole": whole, "merged": lo} {
			if s.Count() != count {
				t.Fatalf("%s: Count() = %d, want %d", name, s.Count(), count)
			}
			if count == 0 {
				if s.Min() != 0 || s.Max() != 0 || s.P(0.5) != 0 || s.Avg() != 0 {
					t.Fatalf("%s: empty sink reports non-zero", name)
				}
				continue
			}
			if s.Min() != wantMin || s.Max() != wantMax {
				t.Fatalf("%s: Min/Max = %v/%v, want %v/%v", name, s.Min(), s.Max(), wantMin, wantMax)
			}
			prev := math.Inf(-1)
			for i := 0; i <= 200; i++ {
				q := float64(i) / 200
				p := s.P(q)
				if math.IsNaN(p) || p < s.Min() || p > s.Max() {
					t.Fatalf("%s: P(%v) = %v outside [%v, %v]", name, q, p, s.Min(), s.Max())
				}
				if p < prev {
					t.Fatalf("%s: P(%v) = %v < P(%v) = %v", name, q, p, float64(i-1)/200, prev)
				}
				prev = p
			}
			if s.Med() != s.P(0.5) || s.P(0) != s.Min() || s.P(1) != s.Max() {
				t.Fatalf("%s: Med/P(0)/P(1) disagree with P(0.5)/Min/Max", name)
			}
		}
	})
}
