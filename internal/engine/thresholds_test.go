package engine_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// tagOutput keeps the tags of every sample it gets.
type tagOutput struct {
	mu   sync.Mutex
	tags []*metrics.TagSet
}

func (o *tagOutput) AddSamples(b []metrics.SampleContainer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range b {
		for _, s := range c.GetSamples() {
			o.tags = append(o.tags, s.Tags)
		}
	}
}

func thresholds(t *testing.T, js string) []metrics.MetricThresholds {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		t.Fatal(err)
	}
	ths, err := metrics.ParseThresholds(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ths
}

// k6 accepts a threshold on one of its own metrics that nothing emits here
// (http_req_duration): it is judged on no samples instead of failing the options.
func TestThresholdOnAK6BuiltinMetricIsAccepted(t *testing.T) {
	reg := metrics.NewRegistry()
	e := engine.New(16)
	defer e.Close()
	err := e.SetThresholds(thresholds(t, `{"http_req_duration": ["p(95)<500"], "http_req_failed": ["rate<0.01"], "http_reqs": ["count==0"]}`), reg)
	if err != nil {
		t.Fatalf("SetThresholds: %v", err)
	}
	if m := reg.Get("http_req_duration"); m == nil || m.Type != metrics.Trend || m.Contains != metrics.Time {
		t.Errorf("http_req_duration registered as %+v, want a time trend", m)
	}
	for _, r := range e.EvaluateThresholds() {
		if !r.Pass {
			t.Errorf("%s %s failed on no samples", r.Key, r.Threshold.Source)
		}
	}
	// Any other unknown metric is still an error.
	if err := e.SetThresholds(thresholds(t, `{"no_such_metric": ["count>0"]}`), reg); err == nil {
		t.Error("a threshold on an unknown metric was accepted")
	}
}

// systemTags drops the system tags it leaves out from what thresholds and outputs see.
func TestSystemTagsFilterThresholdsAndOutputs(t *testing.T) {
	reg := metrics.NewRegistry()
	m, err := reg.NewMetric("neo4j_queries", metrics.Counter)
	if err != nil {
		t.Fatal(err)
	}
	st, err := metrics.ParseSystemTags([]string{"scenario", "check"})
	if err != nil {
		t.Fatal(err)
	}
	var out tagOutput
	e := engine.New(16, &out)
	defer e.Close()
	e.SetSystemTags(st)
	if err := e.SetThresholds(thresholds(t, `{"neo4j_queries{name:q1}": ["count==0"], "neo4j_queries{scenario:s}": ["count==2"], "neo4j_queries{mode:read}": ["count==2"]}`), reg); err != nil {
		t.Fatal(err)
	}
	e.Start()
	tags := metrics.NewTagSet(map[string]string{"scenario": "s", "name": "q1", "status": "ok", "error_code": "x", "group": "::g", "mode": "read"})
	for range 2 {
		metrics.PushIfNotDone(context.Background(), e.In(), metrics.Sample{Metric: m, Tags: tags, Value: 1})
	}
	e.Stop()
	for _, r := range e.EvaluateThresholds() {
		if !r.Pass {
			t.Errorf("%s %s: %v", r.Key, r.Threshold.Source, r.Value)
		}
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.tags) != 2 {
		t.Fatalf("output got %d samples", len(out.tags))
	}
	if got, want := out.tags[0].String(), "{mode:read, scenario:s}"; got != want {
		t.Errorf("output tags %s, want %s (name, status, error_code and group switched off)", got, want)
	}
}

func TestParseSystemTags(t *testing.T) {
	st, err := metrics.ParseSystemTags(metrics.DefaultSystemTags)
	if err != nil || !st.IsDefault() {
		t.Errorf("k6's default set: %v, default=%v", err, st.IsDefault())
	}
	if _, err := metrics.ParseSystemTags([]string{"vu", "iter", "nope"}); err == nil {
		t.Error("an unknown system tag was accepted")
	}
	st, _ = metrics.ParseSystemTags([]string{"vu"})
	if st.Enabled("name") || !st.Enabled("vu") {
		t.Errorf("systemTags [vu]: name enabled=%v", st.Enabled("name"))
	}
}
