package dashboard

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactQuantile is numpy's "linear" definition, the one hist.quantiles estimates.
func exactQuantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	k := int(pos)
	if k >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[k] + (sorted[k+1]-sorted[k])*(pos-float64(k))
}

func TestHistQuantilesWithinOnePercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		gen  func() float64
		n    int
	}{
		{"lognormal latencies", func() float64 { return math.Exp(1 + rng.NormFloat64()) }, 5000},
		{"bimodal: cache hits and misses", func() float64 {
			if rng.IntN(10) == 0 {
				return 200 + rng.Float64()*50
			}
			return 0.4 + rng.Float64()*0.2
		}, 3000},
		{"sub-microsecond and hours clamp", func() float64 { return []float64{1e-6, 0.5, 3, 2e7}[rng.IntN(4)] }, 400},
		{"one value", func() float64 { return 12.5 }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h hist
			vals := make([]float64, tc.n)
			for i := range vals {
				vals[i] = tc.gen()
				h.add(vals[i])
			}
			slices.Sort(vals)
			qs := []float64{0, 0.5, 0.95, 0.99, 1}
			got := make([]float64, len(qs))
			h.quantiles(qs, got)
			for i, q := range qs {
				want := exactQuantile(vals, q)
				// Within alpha of the true value, except where the bins clamp (below 1 µs
				// and above 10^7 ms the estimate is the clamped bin's, bounded by min/max).
				if want > histMin && want < histMax && math.Abs(got[i]-want) > histAlpha*want*1.0001 {
					t.Errorf("q=%v: got %v, want %v within %v%%", q, got[i], want, histAlpha*100)
				}
				if got[i] < vals[0] || got[i] > vals[len(vals)-1] {
					t.Errorf("q=%v: %v outside [min %v, max %v]", q, got[i], vals[0], vals[len(vals)-1])
				}
			}
		})
	}
}

func TestHistMergeIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a, b, all hist
	for i := range 2000 {
		v := math.Exp(rng.NormFloat64() * 2)
		if i%3 == 0 {
			a.add(v)
		} else {
			b.add(v)
		}
		all.add(v)
	}
	var merged hist
	merged.merge(&a)
	merged.merge(&b)
	qs := []float64{0.5, 0.95, 0.99}
	got, want := make([]float64, 3), make([]float64, 3)
	merged.quantiles(qs, got)
	all.quantiles(qs, want)
	if !slices.Equal(got, want) || merged.n != all.n || merged.min != all.min || merged.max != all.max {
		t.Fatalf("merged %v (n %d), adding all %v (n %d)", got, merged.n, want, all.n)
	}
	// Merging an empty histogram changes nothing, and an empty one answers NaN.
	merged.merge(&hist{})
	var empty hist
	empty.quantiles(qs, got)
	if !math.IsNaN(got[0]) {
		t.Fatalf("empty histogram: %v, want NaN", got)
	}
}

// TestHistSize: the bins cover the band the data spans, not its count.
func TestHistSize(t *testing.T) {
	var h hist
	for i := range 1_000_000 {
		h.add(1 + float64(i%1000)/100) // 1 ms to 11 ms: about one decade
	}
	if len(h.counts) > 160 {
		t.Fatalf("%d bins for one decade of latencies, want ~115 plus slack", len(h.counts))
	}
	h.add(math.NaN())
	if h.n != 1_000_000 {
		t.Fatalf("NaN was counted")
	}
}
