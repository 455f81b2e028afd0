package summary

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Users parse --summary-export as k6 writes it: groups and checks are objects keyed by name
// at every level, a rate's value is "value", thresholds say whether they failed, and
// setup_data is kept.
func TestLegacyExportKeysGroupsAndChecksByName(t *testing.T) {
	rate := &metrics.Metric{Name: "checks", Type: metrics.Rate}
	th, err := metrics.ParseThreshold("rate>0.9")
	if err != nil {
		t.Fatal(err)
	}
	r := Report{
		Metrics: []engine.MetricValues{{Metric: rate, Values: map[string]float64{"rate": 0.75, "passes": 3, "fails": 1}}},
		Checks: []engine.Check{
			{Group: "", Name: "top", Passes: 1},
			{Group: "::outer", Name: "in outer", Passes: 1},
			{Group: "::outer::inner", Name: "deep", Passes: 1, Fails: 1},
		},
		TrendStats: metrics.DefaultTrendStats,
		Elapsed:    time.Second,
	}
	results := []engine.ThresholdResult{{Key: "checks", Metric: rate, Threshold: th, Pass: false}}
	b, err := LegacyExport(BuildData(r, results, `{"token":"t"}`, false, false))
	if err != nil {
		t.Fatal(err)
	}
	type check struct {
		Name, Path, ID string
		Passes, Fails  int
	}
	type group struct {
		Name, Path, ID string
		Groups         map[string]json.RawMessage
		Checks         map[string]check
	}
	var out struct {
		RootGroup group                     `json:"root_group"`
		Metrics   map[string]map[string]any `json:"metrics"`
		SetupData map[string]string         `json:"setup_data"`
		Options   any                       `json:"options"`
		State     any                       `json:"state"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if c, ok := out.RootGroup.Checks["top"]; !ok || c.Path != "::top" || c.Passes != 1 {
		t.Fatalf("root checks not keyed by name: %s", b)
	}
	var outer group
	if err := json.Unmarshal(out.RootGroup.Groups["outer"], &outer); err != nil || outer.Path != "::outer" {
		t.Fatalf("root groups not keyed by name (%v): %s", err, b)
	}
	var inner group
	if err := json.Unmarshal(outer.Groups["inner"], &inner); err != nil || inner.Checks["deep"].Fails != 1 {
		t.Fatalf("nested group not keyed by name (%v): %s", err, b)
	}
	m := out.Metrics["checks"]
	if m["value"] != 0.75 || m["passes"] != 3.0 || m["fails"] != 1.0 {
		t.Fatalf("rate metric: %v", m)
	}
	if _, has := m["rate"]; has {
		t.Fatalf("k6 renames a rate's \"rate\" to \"value\": %v", m)
	}
	if th, _ := m["thresholds"].(map[string]any); th["rate>0.9"] != true {
		t.Fatalf("a failed threshold is true in the export: %v", m)
	}
	if out.SetupData["token"] != "t" || out.Options != nil || out.State != nil {
		t.Fatalf("setup_data kept, options and state left out: %s", b)
	}
}

// A threshold on a metric that got no samples: handleSummary's data lists the metric with
// the zero value of each of its stats, as k6 does, so scripts reading values.X get 0.
func TestDataThresholdedMetricWithoutSamplesHasZeroValues(t *testing.T) {
	stats := []string{"avg", "p(99)", "count"}
	cases := []struct {
		m    *metrics.Metric
		src  string
		want []string
	}{
		{&metrics.Metric{Name: "my_trend", Type: metrics.Trend, Contains: metrics.Time}, "p(99)<10", stats},
		{&metrics.Metric{Name: "my_counter", Type: metrics.Counter}, "count<1", []string{"count", "rate"}},
		{&metrics.Metric{Name: "my_rate", Type: metrics.Rate}, "rate<1", []string{"rate", "passes", "fails"}},
		{&metrics.Metric{Name: "my_gauge", Type: metrics.Gauge}, "value<1", []string{"value", "min", "max"}},
	}
	var results []engine.ThresholdResult
	for _, c := range cases {
		th, err := metrics.ParseThreshold(c.src)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, engine.ThresholdResult{Key: c.m.Name, Metric: c.m, Threshold: th, Pass: true})
	}
	d := BuildData(Report{TrendStats: stats}, results, "", false, false)
	for _, c := range cases {
		dm := d.Metrics[c.m.Name]
		if len(dm.Values) != len(c.want) {
			t.Errorf("%s: values %v, want the keys %v", c.m.Name, dm.Values, c.want)
		}
		for _, k := range c.want {
			if v, ok := dm.Values[k]; !ok || v != 0 {
				t.Errorf("%s: values[%q] = %v, %v; want 0", c.m.Name, k, v, ok)
			}
		}
		if !dm.Thresholds[c.src].OK {
			t.Errorf("%s: threshold verdict lost", c.m.Name)
		}
	}
}
