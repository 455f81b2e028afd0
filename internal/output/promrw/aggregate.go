package promrw

import (
	"hash/maphash"
	"math"
	"strings"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Aggregation happens in two stages, so that the VUs' side never waits for the push side:
//
//  1. AddSamples folds each sample into the current interval's delta for its series (metric and
//     tag set), under the output's lock: a hash, a map look-up and an addition.
//  2. Every push interval the pusher swaps the interval out (a pointer swap under the lock) and,
//     with no lock held, merges each delta into the series' cumulative state, which only the
//     pusher touches, then encodes and sends the series that changed.
//
// What a series sends is cumulative since the start of the run, as in k6: a counter its total,
// a rate the share of non-zero samples so far, a trend the chosen statistics over every sample
// so far (its count and sum grow like counters, so rate(k6_x_sum[1m]) / rate(k6_x_count[1m])
// is a moving average), and a gauge its last value. Memory is bounded: a trend is a
// metrics.TrendSink (bounded in size), each tag key keeps at most maxTagValues distinct values
// (later ones are sent as "(other)", so that the series stay few and keep their samples), and
// the number of series is capped at maxSeries (new series past the cap are dropped, counted
// and reported).

// delta is what one series received during one interval.
type delta struct {
	metric *metrics.Metric
	tags   *metrics.TagSet
	next   *delta // the next delta with the same hash

	sum   float64 // counter: the sum of the values
	last  float64 // gauge: the last value
	trues uint64  // rate: non-zero values
	n     uint64  // values received
	trend *metrics.TrendSink
}

// interval is the deltas of one push interval, by series hash.
type interval struct {
	deltas map[uint64]*delta
	count  int
}

func newInterval() *interval { return &interval{deltas: map[uint64]*delta{}} }

// reset empties the interval for reuse, keeping the map's buckets.
func (iv *interval) reset() {
	clear(iv.deltas)
	iv.count = 0
}

// sameSeries reports whether s belongs to d's series: the same metric (by identity, or by name
// and type when two registries made equal metrics) and equal tags.
func (d *delta) sameSeries(s *metrics.Sample) bool {
	if d.metric != s.Metric && (d.metric.Name != s.Metric.Name || d.metric.Type != s.Metric.Type) {
		return false
	}
	return sameTags(d.tags, s.Tags)
}

func sameTags(a, b *metrics.TagSet) bool {
	if a == b {
		return true
	}
	at, bt := a.Tags(), b.Tags()
	if len(at) != len(bt) {
		return false
	}
	for i := range at {
		if at[i] != bt[i] {
			return false
		}
	}
	return true
}

// seriesHash hashes the metric's name and the tags; h is reset first.
func seriesHash(h *maphash.Hash, s *metrics.Sample) uint64 {
	h.Reset()
	h.WriteString(s.Metric.Name)
	for _, t := range s.Tags.Tags() {
		h.WriteByte(0)
		h.WriteString(t.Key)
		h.WriteByte(0)
		h.WriteString(t.Value)
	}
	return h.Sum64()
}

// add folds s into its series' delta. It reports false when s opens a new series and the
// interval already holds limit of them (the sample is then dropped). A sample that finds no
// delta of its own has its tags folded by lim first (values past the cap per key become
// "(other)"); one that does needs no folding, since deltas are only made from folded tags
// and a value admitted once stays admitted. So the common case costs no more than before.
func (iv *interval) add(h *maphash.Hash, s *metrics.Sample, limit int, lim *metrics.TagLimiter) bool {
	key := seriesHash(h, s)
	head := iv.deltas[key]
	d := head
	for d != nil && !d.sameSeries(s) {
		d = d.next
	}
	if d == nil && lim != nil {
		if tags := lim.Limit(s.Tags); tags != s.Tags {
			folded := *s // s may point into the caller's batch, which is not ours to change
			folded.Tags = tags
			s = &folded
			key = seriesHash(h, s)
			head = iv.deltas[key]
			d = head
			for d != nil && !d.sameSeries(s) {
				d = d.next
			}
		}
	}
	if d == nil {
		if iv.count >= limit {
			return false
		}
		d = &delta{metric: s.Metric, tags: s.Tags, next: head}
		if s.Metric.Type == metrics.Trend {
			d.trend = metrics.NewTrendSink()
		}
		iv.deltas[key] = d
		iv.count++
	}
	v := s.Value
	switch s.Metric.Type {
	case metrics.Counter:
		d.sum += v
	case metrics.Gauge:
		d.last = v
	case metrics.Rate:
		if v != 0 {
			d.trues++
		}
	default:
		d.trend.Add(v)
	}
	d.n++
	return true
}

// series is the cumulative state of one series, owned by the pusher.
type series struct {
	metric *metrics.Metric
	// labels holds, per value the series yields (one per trend statistic, else one), its full
	// label set with __name__, sorted: computed once when the series is first seen.
	labels [][]label

	sum   float64
	last  float64
	trues uint64
	n     uint64
	trend *metrics.TrendSink

	dirty bool // changed since the last push
}

// seriesKey identifies a series across intervals: metric name, type and tags.
func seriesKey(b *strings.Builder, m *metrics.Metric, tags *metrics.TagSet) string {
	b.Reset()
	b.WriteString(m.Name)
	b.WriteByte(0)
	b.WriteByte(byte('0' + m.Type))
	for _, t := range tags.Tags() {
		b.WriteByte(0)
		b.WriteString(t.Key)
		b.WriteByte(0)
		b.WriteString(t.Value)
	}
	return b.String()
}

func (s *series) merge(d *delta) {
	switch s.metric.Type {
	case metrics.Counter:
		s.sum += d.sum
	case metrics.Gauge:
		s.last = d.last
	case metrics.Rate:
		s.trues += d.trues
	default:
		s.trend.Merge(d.trend)
	}
	s.n += d.n
	s.dirty = true
}

// values returns the series' values in the order of its labels. Times (milliseconds in k6) are
// sent in seconds, Prometheus's base unit, as k6 does; a trend's count is not a time.
func (s *series) values(dst []float64, trendStats []string) []float64 {
	// Dividing (not multiplying by 0.001) keeps 19.6 ms as 0.0196 s, not 0.019600000000000003.
	div := 1.0
	if s.metric.Contains == metrics.Time {
		div = 1000
	}
	switch s.metric.Type {
	case metrics.Counter:
		return append(dst, s.sum/div)
	case metrics.Gauge:
		return append(dst, s.last/div)
	case metrics.Rate:
		r := 0.0
		if s.n > 0 {
			r = float64(s.trues) / float64(s.n)
		}
		return append(dst, r)
	default:
		for _, st := range trendStats {
			v := metrics.TrendStat(s.trend, st)
			if st != "count" {
				v /= div
			}
			dst = append(dst, v)
		}
		return dst
	}
}

// staleNaN is the value that marks a series as stale ("no more samples"), from the
// remote-write spec. No other NaN may be sent: math.NaN() has other bits.
var staleNaN = math.Float64frombits(0x7ff0000000000002)
