package metrics_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestRegistrySameNameSameMetric(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		typ      metrics.MetricType
		contains []metrics.ValueType
	}{
		{"counter", metrics.Counter, nil},
		{"gauge", metrics.Gauge, nil},
		{"rate", metrics.Rate, nil},
		{"trend of time", metrics.Trend, []metrics.ValueType{metrics.Time}},
		{"counter of data", metrics.Counter, []metrics.ValueType{metrics.Data}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := metrics.NewRegistry()
			a, err := r.NewMetric("my_metric", tc.typ, tc.contains...)
			if err != nil {
				t.Fatal(err)
			}
			b, err := r.NewMetric("my_metric", tc.typ, tc.contains...)
			if err != nil {
				t.Fatalf("second NewMetric: %v", err)
			}
			if a != b {
				t.Error("same name and type gave two metrics")
			}
			if a.Name != "my_metric" || a.Type != tc.typ {
				t.Errorf("metric = %+v", a)
			}
			wantVT := metrics.Default
			if len(tc.contains) > 0 {
				wantVT = tc.contains[0]
			}
			if a.Contains != wantVT {
				t.Errorf("Contains = %v, want %v", a.Contains, wantVT)
			}
			if r.Get("my_metric") != a {
				t.Error("Get returns another metric")
			}
		})
	}
}

// Default is what a metric created without a value type contains, so asking for it
// explicitly is the same metric.
func TestRegistryDefaultValueTypeExplicit(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	a, err := r.NewMetric("my_metric", metrics.Counter)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.NewMetric("my_metric", metrics.Counter, metrics.Default)
	if err != nil || a != b {
		t.Errorf("NewMetric(m, Counter, Default) = %p, %v; want %p", b, err, a)
	}
}

func TestRegistryConflict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		firstType    metrics.MetricType
		firstValues  metrics.ValueType
		secondType   metrics.MetricType
		secondValues metrics.ValueType
	}{
		{"counter then trend", metrics.Counter, metrics.Default, metrics.Trend, metrics.Default},
		{"trend then rate", metrics.Trend, metrics.Time, metrics.Rate, metrics.Default},
		{"gauge then counter", metrics.Gauge, metrics.Default, metrics.Counter, metrics.Default},
		{"trend of time then trend of numbers", metrics.Trend, metrics.Time, metrics.Trend, metrics.Default},
		{"counter of data then of numbers", metrics.Counter, metrics.Data, metrics.Counter, metrics.Default},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := metrics.NewRegistry()
			first, err := r.NewMetric("neo4j_query_duration", tc.firstType, tc.firstValues)
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.NewMetric("neo4j_query_duration", tc.secondType, tc.secondValues)
			if !errors.Is(err, metrics.ErrMetricConflict) {
				t.Fatalf("err = %v, want ErrMetricConflict", err)
			}
			if m != nil {
				t.Errorf("conflict returned a metric %+v", m)
			}
			if !strings.Contains(err.Error(), "neo4j_query_duration") {
				t.Errorf("error %q does not name the metric", err)
			}
			if r.Get("neo4j_query_duration") != first || first.Type != tc.firstType || first.Contains != tc.firstValues {
				t.Errorf("conflict changed the registered metric: %+v", r.Get("neo4j_query_duration"))
			}
		})
	}
}

func TestRegistryMetricNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		valid bool
	}{
		{"builtin", "iteration_duration", true},
		{"neo4j", "neo4j_query_duration", true},
		{"two chars", "m2", true},
		{"leading underscore", "_m", true},
		{"128 chars", strings.Repeat("a", 128), true},
		// k6 refuses all of these at init (exit 107), with the message checked below.
		{"single char", "x", false},
		{"space", "test counter", false},
		{"k6's other bad example", "test_counter_#", false},
		{"leading digit", "2m", false},
		{"dots and dashes", "a.b-c", false},
		{"unicode letters", "métrique_数", false},
		{"empty", "", false},
		{"129 chars", strings.Repeat("a", 129), false},
		{"braces (submetric syntax)", "m{name:q}", false},
		{"colon", "a:b", false},
		{"newline", "a\nb", false},
		{"dollar", "$m", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := metrics.NewRegistry()
			m, err := r.NewMetric(tc.in, metrics.Counter)
			if tc.valid {
				if err != nil {
					t.Fatalf("NewMetric(%q): %v", tc.in, err)
				}
				if m.Name != tc.in {
					t.Errorf("Name = %q", m.Name)
				}
				return
			}
			if !errors.Is(err, metrics.ErrInvalidMetricName) {
				t.Fatalf("NewMetric(%q) = %v, %v; want ErrInvalidMetricName", tc.in, m, err)
			}
			// k6's message, so a user can look it up in k6's documentation.
			want := "Invalid metric name: '" + tc.in + "'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore."
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if r.Get(tc.in) != nil || len(r.All()) != 0 {
				t.Errorf("invalid name %q was registered", tc.in)
			}
		})
	}
}

func TestRegistryGetAndAll(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	if r.Get("nope") != nil {
		t.Error("Get of an unknown name is not nil")
	}
	if got := r.All(); len(got) != 0 {
		t.Errorf("empty registry All = %v", got)
	}
	for _, n := range []string{"vus", "checks", "neo4j_records", "iterations", "data_sent"} {
		if _, err := r.NewMetric(n, metrics.Counter); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for _, m := range r.All() {
		names = append(names, m.Name)
	}
	if want := "checks,data_sent,iterations,neo4j_records,vus"; strings.Join(names, ",") != want {
		t.Errorf("All = %v, want sorted %s", names, want)
	}
}

// Every VU registers the extension's metrics in its init code at the same time.
func TestRegistryConcurrentNewMetric(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	const n = 100
	got := make([]*metrics.Metric, n)
	errs := make([]error, n)
	var start sync.WaitGroup
	start.Add(1)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start.Wait()
			got[i], errs[i] = r.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
			_ = r.Get("neo4j_query_duration")
			_ = r.All()
			if _, err := r.NewMetric("neo4j_queries", metrics.Counter); err != nil {
				t.Error(err)
			}
		})
	}
	start.Done()
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("goroutine %d got metric %p, goroutine 0 got %p", i, got[i], got[0])
		}
	}
	if len(r.All()) != 2 {
		t.Errorf("All = %v, want 2 metrics", r.All())
	}
}

func TestMetricTypeAndValueTypeNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    interface {
			String() string
			MarshalJSON() ([]byte, error)
		}
		want string
	}{
		{"counter", metrics.Counter, "counter"},
		{"gauge", metrics.Gauge, "gauge"},
		{"rate", metrics.Rate, "rate"},
		{"trend", metrics.Trend, "trend"},
		{"default", metrics.Default, "default"},
		{"time", metrics.Time, "time"},
		{"data", metrics.Data, "data"},
		{"unknown metric type", metrics.MetricType(9), "MetricType(9)"},
		{"unknown value type", metrics.ValueType(-1), "ValueType(-1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.v.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			b, err := tc.v.MarshalJSON()
			if err != nil || string(b) != `"`+tc.want+`"` {
				t.Errorf("MarshalJSON() = %s, %v", b, err)
			}
		})
	}
}
