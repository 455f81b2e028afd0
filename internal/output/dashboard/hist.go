package dashboard

import (
	"math"
	"slices"
)

// Latency histogram parameters.
//
// Bin i holds the values in (histGamma^(i-1), histGamma^i]; a value read back from bin i is
// reported as 2*histGamma^i/(histGamma+1), which is within histAlpha of every value the bin
// holds (the same construction as the run-wide sketch in package metrics, coarser: 1% rather
// than 0.5%, because the dashboard keeps one histogram per query name per time bucket and a
// chart cannot show the difference). One decade of latencies costs ~115 bins.
const (
	histAlpha = 0.01
	histGamma = (1 + histAlpha) / (1 - histAlpha)
	// histMin and histMax bound the bins (in the metric's unit, milliseconds for
	// neo4j_query_duration): 1 µs to ~2.8 h is 10 decades, ~1150 bins at the very most.
	// Values below histMin count as histMin's bin, above histMax as histMax's: min and max
	// are kept exactly besides, and clamp every estimate.
	histMin = 1e-3
	histMax = 1e7
)

var (
	histLnGamma  = math.Log(histGamma)
	histLnMid    = math.Log(2 / (histGamma + 1))
	histMinIndex = int32(math.Ceil(math.Log(histMin) / histLnGamma))
	histMaxIndex = int32(math.Ceil(math.Log(histMax) / histLnGamma))
)

func histIndex(v float64) int32 {
	if !(v > histMin) { // NaN and negatives too; Add drops NaN before this
		return histMinIndex
	}
	if v >= histMax {
		return histMaxIndex
	}
	return int32(math.Ceil(math.Log(v) / histLnGamma))
}

func histEstimate(i int32) float64 {
	return math.Exp(float64(i)*histLnGamma + histLnMid)
}

// hist is a mergeable log-bucketed histogram of one query name's latencies in one time
// bucket. Merging two is exact (the bins are fixed), which is what lets the timeline
// downsample without re-reading samples. The zero value is empty.
type hist struct {
	counts   []uint64 // dense from offset; real latencies occupy a contiguous band
	offset   int32
	n        uint64
	min, max float64
}

func (h *hist) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	if h.n == 0 {
		h.min, h.max = v, v
	} else {
		h.min, h.max = min(h.min, v), max(h.max, v)
	}
	h.n++
	i := histIndex(v)
	if len(h.counts) == 0 || i < h.offset || i >= h.offset+int32(len(h.counts)) {
		h.cover(i, i)
	}
	h.counts[i-h.offset]++
}

// cover grows the bins to include lo..hi, with a little slack on the side that grew so that
// latencies creeping upwards do not reallocate on every new bin.
func (h *hist) cover(lo, hi int32) {
	const slack = 8
	if len(h.counts) == 0 {
		lo, hi = max(lo-slack, histMinIndex), min(hi+slack, histMaxIndex)
		h.counts, h.offset = make([]uint64, hi-lo+1), lo
		return
	}
	curLo, curHi := h.offset, h.offset+int32(len(h.counts))-1
	newLo, newHi := curLo, curHi
	if lo < curLo {
		newLo = max(lo-slack, histMinIndex)
	}
	if hi > curHi {
		newHi = min(hi+slack, histMaxIndex)
	}
	counts := make([]uint64, newHi-newLo+1)
	copy(counts[curLo-newLo:], h.counts)
	h.counts, h.offset = counts, newLo
}

// merge adds o's values to h.
func (h *hist) merge(o *hist) {
	if o.n == 0 {
		return
	}
	if h.n == 0 {
		h.counts, h.offset = slices.Clone(o.counts), o.offset
		h.n, h.min, h.max = o.n, o.min, o.max
		return
	}
	oHi := o.offset + int32(len(o.counts)) - 1
	if o.offset < h.offset || oHi >= h.offset+int32(len(h.counts)) {
		h.cover(o.offset, oHi)
	}
	for i, c := range o.counts {
		h.counts[o.offset+int32(i)-h.offset] += c
	}
	h.n += o.n
	h.min, h.max = min(h.min, o.min), max(h.max, o.max)
}

// quantiles fills out[i] with the qs[i]-quantile (qs ascending), by the same definition as
// metrics.TrendSink.P: the value at fractional rank q*(n-1), interpolated between its two
// neighbours, clamped to the exact min and max. One walk over the bins serves all of qs.
// Empty: NaN, which the page draws as a gap.
func (h *hist) quantiles(qs []float64, out []float64) {
	if h.n == 0 {
		for i := range out {
			out[i] = math.NaN()
		}
		return
	}
	// The ranks needed, lower and upper neighbour of each q, in ascending order.
	r := make([]uint64, 0, 2*len(qs))
	vals := make([]float64, 2*len(qs))
	for _, q := range qs {
		pos := q * float64(h.n-1)
		k := uint64(pos)
		r = append(r, k, min(k+1, h.n-1))
	}
	j := 0
	var seen uint64
	for i, c := range h.counts {
		seen += c
		for j < len(r) && r[j] < seen {
			vals[j] = histEstimate(h.offset + int32(i))
			j++
		}
		if j == len(r) {
			break
		}
	}
	for i, q := range qs {
		pos := q * float64(h.n-1)
		frac := pos - math.Floor(pos)
		lo, hi := vals[2*i], vals[2*i+1]
		v := lo + (hi-lo)*frac
		switch {
		case q <= 0:
			v = h.min
		case q >= 1:
			v = h.max
		}
		out[i] = min(max(v, h.min), h.max)
	}
}
