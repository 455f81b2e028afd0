package summary

import (
	"bytes"
	"crypto/md5" //nolint:gosec // k6 names groups by the md5 of their path; not for security
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Data is what handleSummary(data) receives, in k6's shape, plus `queries`: the per-query
// table, which k6 does not have.
type Data struct {
	RootGroup Group                 `json:"root_group"`
	Options   DataOptions           `json:"options"`
	State     DataState             `json:"state"`
	Metrics   map[string]DataMetric `json:"metrics"`
	SetupData any                   `json:"setup_data,omitempty"`
	Queries   []DataQuery           `json:"queries"`
	// Neo4j is what the neo4j module learned (data.neo4j: servers, query plans, the run's
	// tags); absent when the script did not import it.
	Neo4j any `json:"neo4j,omitempty"`
}

// Group is a group of checks (and nested groups), named by path as in k6: "", "::a", "::a::b".
type Group struct {
	Name   string      `json:"name"`
	Path   string      `json:"path"`
	ID     string      `json:"id"`
	Groups []Group     `json:"groups"`
	Checks []DataCheck `json:"checks"`
}

// DataCheck is one check's tally.
type DataCheck struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	ID     string `json:"id"`
	Passes uint64 `json:"passes"`
	Fails  uint64 `json:"fails"`
}

// DataOptions are the summary options k6 passes on.
type DataOptions struct {
	SummaryTrendStats []string `json:"summaryTrendStats"`
	SummaryTimeUnit   string   `json:"summaryTimeUnit"`
	NoColor           bool     `json:"noColor"`
}

// DataState describes the run.
type DataState struct {
	IsStdOutTTY       bool    `json:"isStdOutTTY"`
	IsStdErrTTY       bool    `json:"isStdErrTTY"`
	TestRunDurationMs float64 `json:"testRunDurationMs"`
}

// DataMetric is one metric: type, value type, values by stat, threshold verdicts.
type DataMetric struct {
	Type       string                  `json:"type"`
	Contains   string                  `json:"contains"`
	Values     map[string]float64      `json:"values"`
	Thresholds map[string]ThresholdRes `json:"thresholds,omitempty"`
}

// ThresholdRes is a threshold's verdict in the data.
type ThresholdRes struct {
	OK bool `json:"ok"`
}

// DataQuery is a row of the per-query table.
type DataQuery struct {
	Name     string  `json:"name"`
	Mode     string  `json:"mode"`
	Count    uint64  `json:"count"`
	Failures uint64  `json:"failures"`
	Avg      float64 `json:"avg"`
	P50      float64 `json:"p(50)"`
	P95      float64 `json:"p(95)"`
	P99      float64 `json:"p(99)"`
	Max      float64 `json:"max"`
}

// zeroValues are the values k6 reports for a metric of type typ that got no samples.
func zeroValues(typ metrics.MetricType, trendStats []string) map[string]float64 {
	switch typ {
	case metrics.Counter:
		return map[string]float64{"count": 0, "rate": 0}
	case metrics.Gauge:
		return map[string]float64{"value": 0, "min": 0, "max": 0}
	case metrics.Rate:
		return map[string]float64{"rate": 0, "passes": 0, "fails": 0}
	}
	if len(trendStats) == 0 {
		trendStats = metrics.DefaultTrendStats
	}
	v := make(map[string]float64, len(trendStats))
	for _, s := range trendStats {
		v[s] = 0
	}
	return v
}

func groupID(path string) string {
	sum := md5.Sum([]byte(path)) //nolint:gosec
	return hex.EncodeToString(sum[:])
}

// BuildData turns a report into handleSummary's data.
func BuildData(r Report, results []engine.ThresholdResult, setupJSON string, stdoutTTY, noColor bool) Data {
	d := Data{
		Options: DataOptions{SummaryTrendStats: r.TrendStats, SummaryTimeUnit: r.TimeUnit, NoColor: noColor},
		State:   DataState{IsStdOutTTY: stdoutTTY, TestRunDurationMs: float64(r.Elapsed) / float64(time.Millisecond)},
		Metrics: map[string]DataMetric{},
	}
	for _, m := range r.Metrics {
		d.Metrics[m.Metric.Name] = DataMetric{Type: m.Metric.Type.String(), Contains: m.Metric.Contains.String(), Values: m.Values}
	}
	for _, t := range results {
		dm, ok := d.Metrics[t.Key]
		if !ok {
			// No samples: k6 still lists a metric that has thresholds, with the zero value
			// of every stat its type has, so data.metrics[name].values.X is a number.
			dm = DataMetric{Type: t.Metric.Type.String(), Contains: t.Metric.Contains.String(), Values: zeroValues(t.Metric.Type, r.TrendStats)}
		}
		if dm.Thresholds == nil {
			dm.Thresholds = map[string]ThresholdRes{}
		}
		dm.Thresholds[t.Threshold.Source] = ThresholdRes{OK: t.Pass}
		d.Metrics[t.Key] = dm
	}
	d.RootGroup = buildGroups(r.Checks)
	if setupJSON != "" {
		var v any
		if json.Unmarshal([]byte(setupJSON), &v) == nil {
			d.SetupData = v
		}
	}
	d.Queries = []DataQuery{}
	for _, q := range r.Queries {
		d.Queries = append(d.Queries, DataQuery{Name: q.Name, Mode: q.Mode, Count: q.Count, Failures: q.Failures,
			Avg: q.Avg, P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max})
	}
	return d
}

// buildGroups nests checks under their group paths ("::a::b").
func buildGroups(checks []engine.Check) Group {
	root := Group{Name: "", Path: "", ID: groupID(""), Groups: []Group{}, Checks: []DataCheck{}}
	var find func(g *Group, path []string, prefix string) *Group
	find = func(g *Group, path []string, prefix string) *Group {
		if len(path) == 0 {
			return g
		}
		p := prefix + "::" + path[0]
		for i := range g.Groups {
			if g.Groups[i].Path == p {
				return find(&g.Groups[i], path[1:], p)
			}
		}
		g.Groups = append(g.Groups, Group{Name: path[0], Path: p, ID: groupID(p), Groups: []Group{}, Checks: []DataCheck{}})
		return find(&g.Groups[len(g.Groups)-1], path[1:], p)
	}
	for _, c := range checks {
		var parts []string
		if c.Group != "" {
			parts = strings.Split(strings.TrimPrefix(c.Group, "::"), "::")
		}
		g := find(&root, parts, "")
		p := c.Group + "::" + c.Name
		g.Checks = append(g.Checks, DataCheck{Name: c.Name, Path: p, ID: groupID(p), Passes: c.Passes, Fails: c.Fails})
	}
	return root
}

// LegacyExport is --summary-export's JSON, k6's older format: handleSummary's data without
// options and state, each metric replaced by its values (a rate's "rate" renamed "value",
// each threshold as whether it failed), and the groups and checks of root_group as objects
// keyed by name rather than arrays. setup_data stays, as in k6.
func LegacyExport(d Data) ([]byte, error) {
	out := map[string]any{"root_group": legacyGroup(d.RootGroup)}
	if d.SetupData != nil {
		out["setup_data"] = d.SetupData
	}
	ms := map[string]any{}
	for n, m := range d.Metrics {
		flat := make(map[string]any, len(m.Values)+1)
		for k, v := range m.Values {
			flat[k] = v
		}
		if r, ok := m.Values["rate"]; ok && m.Type == metrics.Rate.String() {
			delete(flat, "rate")
			flat["value"] = r
		}
		if len(m.Thresholds) > 0 {
			th := map[string]bool{}
			for src, r := range m.Thresholds {
				th[src] = !r.OK
			}
			flat["thresholds"] = th
		}
		ms[n] = flat
	}
	out["metrics"] = ms
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // thresholds such as "p(95)<200" stay readable
	enc.SetIndent("", "    ")
	err := enc.Encode(out)
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}

// legacyGroup is g with its sub-groups and checks keyed by name, recursively.
func legacyGroup(g Group) map[string]any {
	groups := make(map[string]any, len(g.Groups))
	for _, sg := range g.Groups {
		groups[sg.Name] = legacyGroup(sg)
	}
	checks := make(map[string]any, len(g.Checks))
	for _, c := range g.Checks {
		checks[c.Name] = c
	}
	return map[string]any{"name": g.Name, "path": g.Path, "id": g.ID, "groups": groups, "checks": checks}
}

// ReportFromData rebuilds a text report from handleSummary data, for textSummary(data).
func ReportFromData(d Data) Report {
	r := Report{TrendStats: d.Options.SummaryTrendStats, TimeUnit: d.Options.SummaryTimeUnit, Elapsed: time.Duration(d.State.TestRunDurationMs * float64(time.Millisecond))}
	if len(r.TrendStats) == 0 {
		r.TrendStats = metrics.DefaultTrendStats
	}
	types := map[string]metrics.MetricType{"counter": metrics.Counter, "gauge": metrics.Gauge, "rate": metrics.Rate, "trend": metrics.Trend}
	vts := map[string]metrics.ValueType{"default": metrics.Default, "time": metrics.Time, "data": metrics.Data}
	names := make([]string, 0, len(d.Metrics))
	for n := range d.Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m := d.Metrics[n]
		mm := &metrics.Metric{Name: n, Type: types[m.Type], Contains: vts[m.Contains]}
		if m.Type != "" && n != "checks" {
			r.Metrics = append(r.Metrics, engine.MetricValues{Metric: mm, Values: m.Values})
		}
		for src, t := range m.Thresholds {
			if r.Thresholds == nil {
				r.Thresholds = map[string][]Threshold{}
			}
			agg := src
			if th, err := metrics.ParseThreshold(src); err == nil {
				agg = th.Agg
				r.Thresholds[n] = append(r.Thresholds[n], Threshold{Source: src, OK: t.OK, Value: agg + "=" + FormatAggregate(mm, agg, m.Values[th.Agg])})
			} else {
				r.Thresholds[n] = append(r.Thresholds[n], Threshold{Source: src, OK: t.OK})
			}
		}
	}
	var walk func(g Group)
	walk = func(g Group) {
		for _, c := range g.Checks {
			r.Checks = append(r.Checks, engine.Check{Group: g.Path, Name: c.Name, Passes: c.Passes, Fails: c.Fails})
		}
		for _, sg := range g.Groups {
			walk(sg)
		}
	}
	walk(d.RootGroup)
	r.Servers = ServersOf(d.Neo4j)
	for _, q := range d.Queries {
		r.Queries = append(r.Queries, engine.QueryRow{QueryKey: engine.QueryKey{Name: q.Name, Mode: q.Mode}, Count: q.Count,
			Failures: q.Failures, Avg: q.Avg, P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max})
	}
	return r
}

// AddThresholdMetrics lists in r every metric a threshold is on that got no samples, with
// zero values, as k6's summary shows it: a threshold's metric is never missing from the
// report that judges it.
func AddThresholdMetrics(r Report, results []engine.ThresholdResult) Report {
	have := make(map[string]bool, len(r.Metrics))
	for _, m := range r.Metrics {
		have[m.Metric.Name] = true
	}
	for _, t := range results {
		if have[t.Key] || t.Metric == nil {
			continue
		}
		have[t.Key] = true
		m := *t.Metric
		m.Name = t.Key
		r.Metrics = append(r.Metrics, engine.MetricValues{Metric: &m, Values: zeroValues(m.Type, r.TrendStats)})
	}
	return r
}
