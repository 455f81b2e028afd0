package metrics_test

import (
	"context"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func sinkOf(typ metrics.MetricType, vs ...float64) metrics.Sink {
	s := metrics.NewSink(typ)
	for _, v := range vs {
		s.Add(v)
	}
	return s
}

func TestNewSinkKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		typ  metrics.MetricType
		ok   func(metrics.Sink) bool
	}{
		{"counter", metrics.Counter, func(s metrics.Sink) bool { _, ok := s.(*metrics.CounterSink); return ok }},
		{"gauge", metrics.Gauge, func(s metrics.Sink) bool { _, ok := s.(*metrics.GaugeSink); return ok }},
		{"rate", metrics.Rate, func(s metrics.Sink) bool { _, ok := s.(*metrics.RateSink); return ok }},
		{"trend", metrics.Trend, func(s metrics.Sink) bool { _, ok := s.(*metrics.TrendSink); return ok }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := metrics.NewSink(tc.typ)
			if !tc.ok(s) {
				t.Fatalf("NewSink(%v) = %T", tc.typ, s)
			}
			if s.Count() != 0 {
				t.Errorf("new sink Count = %d", s.Count())
			}
			s.Add(1)
			s.Add(0)
			if s.Count() != 2 {
				t.Errorf("Count after two samples = %d", s.Count())
			}
		})
	}
}

func TestCounterSink(t *testing.T) {
	t.Parallel()
	c := sinkOf(metrics.Counter, 1, 2, 3, 0, 4.5).(*metrics.CounterSink)
	if c.Sum != 10.5 || c.Count() != 5 {
		t.Errorf("Sum = %v, Count = %d; want 10.5, 5", c.Sum, c.Count())
	}
}

func TestGaugeSink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		in                []float64
		wantLast, wantMin float64
		wantMax           float64
	}{
		{"one value", []float64{5}, 5, 5, 5},
		{"last, min, max", []float64{5, 2, 9, 4}, 4, 2, 9},
		{"positive first value still sets min", []float64{7, 8}, 8, 7, 8},
		{"negative first value still sets max", []float64{-3, -7}, -7, -7, -3},
		{"zero", []float64{0}, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := sinkOf(metrics.Gauge, tc.in...).(*metrics.GaugeSink)
			if g.Last != tc.wantLast || g.Min != tc.wantMin || g.Max != tc.wantMax {
				t.Errorf("last/min/max = %v/%v/%v, want %v/%v/%v", g.Last, g.Min, g.Max, tc.wantLast, tc.wantMin, tc.wantMax)
			}
		})
	}
}

func TestRateSink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    []float64
		trues uint64
		rate  float64
	}{
		{"empty is zero", nil, 0, 0},
		{"all true", []float64{1, 1}, 2, 1},
		{"all false", []float64{0, 0, 0}, 0, 0},
		{"non-zero counts as true", []float64{1, 0, 0.5, -1, 0}, 3, 0.6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := sinkOf(metrics.Rate, tc.in...).(*metrics.RateSink)
			if r.Trues != tc.trues || r.Count() != uint64(len(tc.in)) {
				t.Errorf("trues %d of %d, want %d of %d", r.Trues, r.Count(), tc.trues, len(tc.in))
			}
			if got := r.Rate(); math.Abs(got-tc.rate) > 1e-12 {
				t.Errorf("Rate = %v, want %v", got, tc.rate)
			}
		})
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(i + 1)
	}
	tests := []struct {
		name    string
		sink    metrics.Sink
		elapsed time.Duration
		stats   []string
		want    map[string]float64
	}{
		{"counter rate over elapsed", sinkOf(metrics.Counter, 3, 3), 2 * time.Second, nil,
			map[string]float64{"count": 6, "rate": 3}},
		{"counter rate over fractional seconds", sinkOf(metrics.Counter, 1), 500 * time.Millisecond, nil,
			map[string]float64{"count": 1, "rate": 2}},
		{"counter with no elapsed time has rate 0", sinkOf(metrics.Counter, 5), 0, nil,
			map[string]float64{"count": 5, "rate": 0}},
		{"empty counter", sinkOf(metrics.Counter), time.Second, nil,
			map[string]float64{"count": 0, "rate": 0}},
		{"gauge", sinkOf(metrics.Gauge, 3, 10, 1, 4), time.Second, nil,
			map[string]float64{"value": 4, "min": 1, "max": 10}},
		{"rate", sinkOf(metrics.Rate, 1, 0, 1, 1), time.Second, nil,
			map[string]float64{"rate": 0.75, "passes": 3, "fails": 1}},
		{"empty rate", sinkOf(metrics.Rate), time.Second, nil,
			map[string]float64{"rate": 0, "passes": 0, "fails": 0}},
		{"trend default stats", sinkOf(metrics.Trend, hundred...), time.Second, metrics.DefaultTrendStats,
			map[string]float64{"avg": 50.5, "min": 1, "med": 50.5, "max": 100, "p(90)": 90.1, "p(95)": 95.05}},
		{"trend count, sum and extreme percentiles", sinkOf(metrics.Trend, hundred...), time.Second,
			[]string{"count", "sum", "p(0)", "p(100)", "p(99.9)"},
			map[string]float64{"count": 100, "sum": 5050, "p(0)": 1, "p(100)": 100, "p(99.9)": 99.901}},
		{"trend with no stats asked", sinkOf(metrics.Trend, 1), time.Second, []string{}, map[string]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := metrics.Values(tc.sink, tc.elapsed, tc.stats)
			if keys, want := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(tc.want)); !slices.Equal(keys, want) {
				t.Fatalf("keys = %v, want %v", keys, want)
			}
			for k, w := range tc.want {
				// Percentiles may come from the sketch: the design promises 1%.
				tol := 1e-9 * math.Max(1, math.Abs(w))
				if strings.HasPrefix(k, "p(") || k == "med" {
					tol = 0.01 * math.Abs(w)
				}
				if math.Abs(got[k]-w) > tol {
					t.Errorf("%s = %v, want %v", k, got[k], w)
				}
			}
		})
	}
}

func TestValuesTrendUnknownStatIsNaN(t *testing.T) {
	t.Parallel()
	got := metrics.Values(sinkOf(metrics.Trend, 1, 2), time.Second, []string{"avg", "mode"})
	if !math.IsNaN(got["mode"]) || got["avg"] != 1.5 {
		t.Errorf("Values = %v, want avg 1.5 and mode NaN", got)
	}
}

func TestParseTrendStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want float64 // the quantile, -1 for the named stats
	}{
		{"avg", -1}, {"min", -1}, {"med", -1}, {"max", -1}, {"count", -1}, {"sum", -1},
		{"p(0)", 0}, {"p(50)", 0.5}, {"p(90)", 0.9}, {"p(95)", 0.95}, {"p(99)", 0.99},
		{"p(99.9)", 0.999}, {"p(99.99)", 0.9999}, {"p(100)", 1},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := metrics.ParseTrendStat(tc.in)
			if err != nil {
				t.Fatalf("ParseTrendStat(%q): %v", tc.in, err)
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("ParseTrendStat(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	for _, st := range metrics.DefaultTrendStats {
		if _, err := metrics.ParseTrendStat(st); err != nil {
			t.Errorf("default stat %q rejected: %v", st, err)
		}
	}
	if want := []string{"avg", "min", "med", "max", "p(90)", "p(95)"}; !slices.Equal(metrics.DefaultTrendStats, want) {
		t.Errorf("DefaultTrendStats = %v, want k6's %v", metrics.DefaultTrendStats, want)
	}
}

func TestParseTrendStatRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"p(101)", "p(100.1)", "p(-1)", "p(x)", "p()", "p(NaN)", "p(Inf)", "p(90", "p90", "p 90", "P(90)",
		"foo", "", "AVG", "mean", "median", "p(90) ", " avg",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			_, err := metrics.ParseTrendStat(in)
			if err == nil {
				t.Fatalf("ParseTrendStat(%q) accepted", in)
			}
			if !strings.Contains(err.Error(), `"`+in+`"`) {
				t.Errorf("error %q does not quote %q", err, in)
			}
		})
	}
}

func TestSampleContainers(t *testing.T) {
	t.Parallel()
	m := &metrics.Metric{Name: "m", Type: metrics.Counter}
	s := metrics.Sample{Metric: m, Value: 1, Time: time.Unix(1, 0)}
	if got := s.GetSamples(); len(got) != 1 || !reflect.DeepEqual(got[0], s) {
		t.Errorf("Sample.GetSamples = %v", got)
	}
	batch := metrics.Samples{s, {Metric: m, Value: 2}}
	if got := batch.GetSamples(); len(got) != 2 || got[1].Value != 2 {
		t.Errorf("Samples.GetSamples = %v", got)
	}
}

func TestPushIfNotDone(t *testing.T) {
	t.Parallel()
	sample := metrics.Sample{Value: 1}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name string
		ctx  context.Context
		out  chan metrics.SampleContainer
		want bool
	}{
		{"room in the channel", context.Background(), make(chan metrics.SampleContainer, 1), true},
		{"done ctx, nobody receiving", cancelled, make(chan metrics.SampleContainer), false},
		{"done ctx, full channel", cancelled, func() chan metrics.SampleContainer {
			c := make(chan metrics.SampleContainer, 1)
			c <- sample
			return c
		}(), false},
		// The VU is stopping: its sample is dropped even though it would fit.
		{"done ctx wins over room", cancelled, make(chan metrics.SampleContainer, 1), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := len(tc.out)
			res := make(chan bool, 1)
			go func() { res <- metrics.PushIfNotDone(tc.ctx, tc.out, sample) }()
			select {
			case got := <-res:
				if got != tc.want {
					t.Errorf("PushIfNotDone = %v, want %v", got, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("PushIfNotDone blocked")
			}
			sent := len(tc.out) - before
			if tc.want && sent != 1 || !tc.want && sent != 0 {
				t.Errorf("channel grew by %d", sent)
			}
		})
	}
}

// A VU blocked on a full channel is released when it is stopped.
func TestPushIfNotDoneUnblocksOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan metrics.SampleContainer) // nobody receives
	res := make(chan bool, 1)
	go func() { res <- metrics.PushIfNotDone(ctx, out, metrics.Sample{}) }()
	select {
	case <-res:
		t.Fatal("returned before the ctx was done, with nobody receiving")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	select {
	case got := <-res:
		if got {
			t.Error("reported sent")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still blocked after cancel")
	}
}

func TestPushIfNotDoneDelivers(t *testing.T) {
	t.Parallel()
	out := make(chan metrics.SampleContainer)
	want := metrics.Samples{{Value: 1}, {Value: 2}}
	go func() {
		if !metrics.PushIfNotDone(context.Background(), out, want) {
			t.Error("PushIfNotDone = false with a receiver")
		}
	}()
	select {
	case got := <-out:
		if s := got.GetSamples(); len(s) != 2 || s[1].Value != 2 {
			t.Errorf("received %v", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
	}
}
