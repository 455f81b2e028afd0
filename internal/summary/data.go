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
			dm = DataMetric{Type: t.Metric.Type.String(), Contains: t.Metric.Contains.String(), Values: map[string]float64{}}
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

// LegacyExport is --summary-export's older, flat JSON: per metric its values directly, rates
// as passes/fails/value, and for each threshold whether it failed.
func LegacyExport(d Data) ([]byte, error) {
	out := map[string]any{"root_group": d.RootGroup}
	ms := map[string]any{}
	names := make([]string, 0, len(d.Metrics))
	for n := range d.Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m := d.Metrics[n]
		flat := map[string]any{}
		if m.Type == metrics.Rate.String() {
			flat["passes"] = m.Values["passes"]
			flat["fails"] = m.Values["fails"]
			flat["value"] = m.Values["rate"]
		} else {
			for k, v := range m.Values {
				flat[k] = v
			}
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
	for _, q := range d.Queries {
		r.Queries = append(r.Queries, engine.QueryRow{QueryKey: engine.QueryKey{Name: q.Name, Mode: q.Mode}, Count: q.Count,
			Failures: q.Failures, Avg: q.Avg, P50: q.P50, P95: q.P95, P99: q.P99, Max: q.Max})
	}
	return r
}
