package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Sink aggregates the values of one metric (or submetric). Not safe for concurrent use.
type Sink interface {
	Add(v float64)
	Count() uint64
}

// NewSink returns an empty sink of the kind that aggregates t.
func NewSink(t MetricType) Sink {
	switch t {
	case Counter:
		return &CounterSink{}
	case Gauge:
		return &GaugeSink{}
	case Rate:
		return &RateSink{}
	default:
		return NewTrendSink()
	}
}

// CounterSink sums values.
type CounterSink struct {
	Sum float64
	N   uint64
}

// Add implements Sink.
func (c *CounterSink) Add(v float64) { c.Sum += v; c.N++ }

// Count implements Sink.
func (c *CounterSink) Count() uint64 { return c.N }

// GaugeSink keeps the last value and the extremes.
type GaugeSink struct {
	Last, Min, Max float64
	N              uint64
}

// Add implements Sink.
func (g *GaugeSink) Add(v float64) {
	if g.N == 0 || v < g.Min {
		g.Min = v
	}
	if g.N == 0 || v > g.Max {
		g.Max = v
	}
	g.Last = v
	g.N++
}

// Count implements Sink.
func (g *GaugeSink) Count() uint64 { return g.N }

// RateSink counts non-zero values against all values.
type RateSink struct {
	Trues, N uint64
}

// Add implements Sink.
func (r *RateSink) Add(v float64) {
	if v != 0 {
		r.Trues++
	}
	r.N++
}

// Count implements Sink.
func (r *RateSink) Count() uint64 { return r.N }

// Rate is the share of non-zero values, 0 when empty.
func (r *RateSink) Rate() float64 {
	if r.N == 0 {
		return 0
	}
	return float64(r.Trues) / float64(r.N)
}

// DefaultTrendStats are the trend columns of the end-of-test summary, as in k6.
var DefaultTrendStats = []string{"avg", "min", "med", "max", "p(90)", "p(95)"}

// ParseTrendStat checks one trend statistic name: avg, min, med, max, count, sum or p(N) with
// 0 <= N <= 100. It returns the quantile for p(N) (and -1 otherwise).
func ParseTrendStat(s string) (float64, error) {
	switch s {
	case "avg", "min", "med", "max", "count", "sum":
		return -1, nil
	}
	if strings.HasPrefix(s, "p(") && strings.HasSuffix(s, ")") {
		n, err := strconv.ParseFloat(s[2:len(s)-1], 64)
		if err == nil && n >= 0 && n <= 100 {
			return n / 100, nil
		}
	}
	return 0, fmt.Errorf("invalid trend stat %q: use avg, min, med, max, count, sum or p(N) with N from 0 to 100", s)
}

// TrendStat returns one statistic of a trend sink; stat must have passed ParseTrendStat.
func TrendStat(t *TrendSink, stat string) float64 {
	switch stat {
	case "avg":
		return t.Avg()
	case "min":
		return t.Min()
	case "med":
		return t.Med()
	case "max":
		return t.Max()
	case "count":
		return float64(t.Count())
	case "sum":
		return t.Sum()
	}
	q, err := ParseTrendStat(stat)
	if err != nil || q < 0 {
		return math.NaN()
	}
	return t.P(q)
}

// Values returns the named values of a sink as k6's summary data has them: counter count and
// rate, gauge value/min/max, rate rate/passes/fails, trend the given stats. elapsed is the
// test's duration so far, for per-second rates.
func Values(s Sink, elapsed time.Duration, trendStats []string) map[string]float64 {
	switch s := s.(type) {
	case *CounterSink:
		rate := 0.0
		if elapsed > 0 {
			rate = s.Sum / elapsed.Seconds()
		}
		return map[string]float64{"count": s.Sum, "rate": rate}
	case *GaugeSink:
		return map[string]float64{"value": s.Last, "min": s.Min, "max": s.Max}
	case *RateSink:
		return map[string]float64{"rate": s.Rate(), "passes": float64(s.Trues), "fails": float64(s.N - s.Trues)}
	case *TrendSink:
		out := make(map[string]float64, len(trendStats))
		for _, st := range trendStats {
			out[st] = TrendStat(s, st)
		}
		return out
	}
	return nil
}
