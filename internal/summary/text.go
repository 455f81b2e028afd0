// Package summary renders the end-of-test report: k6's layout (thresholds, checks, then the
// metrics by section), plus a per-query table with the counts and latency percentiles that
// Locust users look at first.
package summary

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Threshold is one threshold expression's outcome, for the report.
type Threshold struct {
	Source string
	OK     bool
	// Value is the aggregate the expression compared, e.g. "p(95)=12.3ms".
	Value string
}

// Report is everything the text summary shows.
type Report struct {
	Metrics     []engine.MetricValues
	Checks      []engine.Check
	Queries     []engine.QueryRow
	Thresholds  map[string][]Threshold // by metric (or submetric) name
	TrendStats  []string
	Exceptions  []ExceptionCount
	Elapsed     time.Duration
	Interrupted string // why the run ended early, if it did
	// TimeUnit, when set ("s", "ms" or "us", k6's summaryTimeUnit), prints every time in
	// that unit instead of the most readable one.
	TimeUnit string
	// OutputDrops are the outputs that lost samples because they could not keep up.
	OutputDrops []engine.OutputDrop
	// Full is --summary-mode full: after the totals, a section per group with its checks.
	Full bool
	// Servers are the Neo4j servers the run tested, one line each at the top.
	Servers []Server
}

// ExceptionCount is a distinct script exception and how often it was thrown.
type ExceptionCount struct {
	Msg string
	N   int
}

// WriteText writes the report in k6's text layout. color adds ANSI marks. Text that comes
// from the script (check, group, query and submetric names, exception messages) has its
// control characters escaped (metrics.EscapeControl): a NUL or an escape sequence in a name
// must not reach the terminal raw.
func WriteText(w io.Writer, r Report, color bool) error {
	p := &printer{w: w, color: color, time: TimeFormat(r.TimeUnit)}
	p.line("")
	if len(r.Servers) > 0 {
		for _, s := range r.Servers {
			p.line("     server: " + esc(s.Describe()))
		}
		p.line("")
	}
	if len(r.Thresholds) > 0 {
		p.header("THRESHOLDS")
		names := make([]string, 0, len(r.Thresholds))
		for n := range r.Thresholds {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p.line("    " + esc(n))
			for _, t := range r.Thresholds[n] {
				p.line(fmt.Sprintf("    %s '%s' %s", p.mark(t.OK), esc(t.Source), esc(t.Value)))
			}
			p.line("")
		}
		p.line("")
	}
	p.header("TOTAL RESULTS")
	if len(r.Checks) > 0 {
		p.checkTotals(r.Checks, r.Elapsed)
		p.line("")
		group := ""
		for _, c := range r.Checks {
			if c.Group != group {
				group = c.Group
				p.line("    █ " + esc(strings.TrimPrefix(strings.ReplaceAll(group, "::", " › "), " › ")))
			}
			if c.Fails == 0 {
				p.line("    " + p.mark(true) + " " + esc(c.Name))
			} else {
				p.line("    " + p.mark(false) + " " + esc(c.Name))
				// k6 floors this one to a whole percent: 2 of 3 is 66%, never 100% while a check failed.
				p.line(fmt.Sprintf("      ↳  %d%% — ✓ %d / ✗ %d", 100*c.Passes/(c.Passes+c.Fails), c.Passes, c.Fails))
			}
		}
		p.line("")
	}
	sections := []struct {
		title string
		match func(name string) bool
	}{
		{"NEO4J", func(n string) bool { return strings.HasPrefix(n, "neo4j_") }},
		{"EXECUTION", isExecutionMetric},
		{"CUSTOM", func(string) bool { return true }},
	}
	shown := map[string]bool{"checks": true}
	// CUSTOM comes first in k6's layout; compute the sets in matching order, print in k6's.
	// A submetric goes where its metric goes, right under it (sorted by parent, then
	// selector, as k6 sorts them), whatever sorts between the two by plain name.
	ordered := append([]engine.MetricValues(nil), r.Metrics...)
	sort.SliceStable(ordered, func(i, j int) bool {
		pi, si := splitSubmetric(ordered[i].Metric.Name)
		pj, sj := splitSubmetric(ordered[j].Metric.Name)
		if pi != pj {
			return pi < pj
		}
		return si < sj
	})
	bySection := map[string][]engine.MetricValues{}
	for _, s := range sections {
		for _, m := range ordered {
			if parent, _ := splitSubmetric(m.Metric.Name); !shown[m.Metric.Name] && s.match(parent) {
				bySection[s.title] = append(bySection[s.title], m)
				shown[m.Metric.Name] = true
			}
		}
	}
	for _, title := range []string{"CUSTOM", "NEO4J", "EXECUTION"} {
		ms := bySection[title]
		if len(ms) == 0 {
			continue
		}
		p.line("    " + title)
		for _, m := range ms {
			p.metricLine(displayName(m.Metric.Name), formatValues(m, r.TrendStats, r.Elapsed, p.timeFmt()))
		}
		p.line("")
	}
	if r.Full {
		writeGroups(p, r)
	}
	if len(r.Queries) > 0 {
		p.line("")
		p.header("QUERIES")
		writeQueryTable(p, r.Queries, r.Elapsed)
		p.line("")
	}
	if len(r.Exceptions) > 0 {
		p.line("")
		p.header("SCRIPT EXCEPTIONS")
		for _, e := range r.Exceptions {
			p.line(fmt.Sprintf("    %6d × %s", e.N, esc(firstLine(e.Msg))))
		}
		p.line("")
	}
	if len(r.OutputDrops) > 0 {
		p.line("")
		for _, d := range r.OutputDrops {
			p.line("  " + esc(d.String()))
		}
	}
	if r.Interrupted != "" {
		p.line("")
		p.line("  " + r.Interrupted)
	}
	p.line("")
	return p.err
}

// writeGroups is --summary-mode full's part: for each group, in the order its checks were
// first seen, a "GROUP: a › b" section with the group's own check totals and checks.
func writeGroups(p *printer, r Report) {
	var order []string
	byGroup := map[string][]engine.Check{}
	for _, c := range r.Checks {
		if c.Group == "" {
			continue
		}
		if _, ok := byGroup[c.Group]; !ok {
			order = append(order, c.Group)
		}
		byGroup[c.Group] = append(byGroup[c.Group], c)
	}
	for _, g := range order {
		p.line("")
		p.header("GROUP: " + esc(strings.TrimPrefix(strings.ReplaceAll(g, "::", " › "), " › ")))
		p.checkTotals(byGroup[g], r.Elapsed)
		p.line("")
		for _, c := range byGroup[g] {
			p.line("    " + p.mark(c.Fails == 0) + " " + esc(c.Name))
			if c.Fails > 0 {
				p.line(fmt.Sprintf("      ↳  %d%% — ✓ %d / ✗ %d", 100*c.Passes/(c.Passes+c.Fails), c.Passes, c.Fails))
			}
		}
		p.line("")
	}
}

// splitSubmetric splits "metric{tag:value}" into "metric" and "{tag:value}"; a plain
// metric's selector is "".
func splitSubmetric(name string) (parent, selector string) {
	if i := strings.IndexByte(name, '{'); i >= 0 {
		return name[:i], name[i:]
	}
	return name, ""
}

// displayName is how the summary names a metric: a submetric as "{ tag:value }", two
// columns further in than its metric, as k6 prints it.
func displayName(name string) string {
	parent, sel := splitSubmetric(name)
	if sel == "" {
		return esc(parent)
	}
	return "  { " + esc(strings.TrimSuffix(sel[1:], "}")) + " }"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func isExecutionMetric(n string) bool {
	switch n {
	case "iterations", "iteration_duration", "iteration_failed", "iteration_start_delay", "vus", "vus_max",
		"dropped_iterations", "group_duration":
		return true
	}
	return false
}

// perSecond is n per second of elapsed; 0 when no time has passed (a run that ended before
// it started), as metrics.Values gives for a counter's rate, rather than +Inf or NaN.
func perSecond(n float64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return n / elapsed.Seconds()
}

// writeQueryTable lines the columns up by runes: fmt's %-*s width counts runes, not bytes,
// so a name in any script pads to the same width (a terminal may still draw some runes,
// such as CJK ones, two cells wide).
func writeQueryTable(p *printer, rows []engine.QueryRow, elapsed time.Duration) {
	const maxNameW = 60
	nameW := utf8.RuneCountInString("name")
	names := make([]string, len(rows))
	for i, q := range rows {
		names[i] = esc(q.Name)
		nameW = max(nameW, utf8.RuneCountInString(names[i]))
	}
	nameW = min(nameW, maxNameW)
	head := fmt.Sprintf("    %-*s  %-5s  %9s  %8s  %9s  %9s  %9s  %9s  %9s", nameW, "name", "mode", "count", "failed", "rate", "avg", "p(50)", "p(95)", "p(99)")
	p.line(head)
	for i, q := range rows {
		name := names[i]
		if r := []rune(name); len(r) > nameW {
			name = string(r[:nameW-1]) + "…"
		}
		p.line(fmt.Sprintf("    %-*s  %-5s  %9d  %8d  %7s/s  %9s  %9s  %9s  %9s", nameW, name, esc(q.Mode),
			q.Count, q.Failures, num(perSecond(float64(q.Count), elapsed)),
			p.timeFmt()(q.Avg), p.timeFmt()(q.P50), p.timeFmt()(q.P95), p.timeFmt()(q.P99)))
	}
}

func formatValues(m engine.MetricValues, trendStats []string, elapsed time.Duration, formatTime func(float64) string) string {
	v := m.Values
	// f formats a value in the metric's unit.
	f := func(x float64) string {
		switch m.Metric.Contains {
		case metrics.Time:
			return formatTime(x)
		case metrics.Data:
			return formatBytes(x)
		}
		return num(x)
	}
	switch m.Metric.Type {
	case metrics.Counter:
		rate := num(v["rate"])
		if m.Metric.Contains == metrics.Data {
			rate = formatBytes(v["rate"])
		}
		return fmt.Sprintf("%-8s %s/s", f(v["count"]), rate)
	case metrics.Gauge:
		return fmt.Sprintf("%-8s min=%s max=%s", f(v["value"]), f(v["min"]), f(v["max"]))
	case metrics.Rate:
		p, fl := uint64(v["passes"]), uint64(v["fails"])
		return fmt.Sprintf("%s %d out of %d", pct(p, p+fl), p, p+fl)
	}
	parts := make([]string, 0, len(trendStats))
	for _, s := range trendStats {
		x := f(v[s])
		if s == "count" { // a number of samples whatever the unit; sum stays in the unit
			x = num(v[s])
		}
		parts = append(parts, fmt.Sprintf("%s=%-8s", s, x))
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

func pct(n, total uint64) string {
	if total == 0 {
		return "0.00%"
	}
	return ratePercent(float64(n) / float64(total))
}

// ratePercent prints a rate (0..1) as k6 does: as a percentage cut, not rounded, to two
// decimals, so 2 of 3 is 66.66% and 9999 of 10000 passes never shows as 100.00%.
func ratePercent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return num(v) + "%"
	}
	return strconv.FormatFloat(math.Trunc(v*100*100)/100, 'f', 2, 64) + "%"
}

// num prints a number the way k6 does: two decimals at most, no trailing zeros.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	if math.Abs(x) < 0.01 {
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	return trimZeros(strconv.FormatFloat(x, 'f', 2, 64))
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// TimeFormat returns the formatter of times for a summaryTimeUnit: formatTime for "", else
// the value in that unit with up to two decimals.
func TimeFormat(unit string) func(ms float64) string {
	div := map[string]float64{"s": 1000, "ms": 1, "us": 0.001}[unit]
	if div == 0 {
		return formatTime
	}
	suffix := map[string]string{"s": "s", "ms": "ms", "us": "µs"}[unit]
	return func(ms float64) string { return trimZeros(strconv.FormatFloat(ms/div, 'f', 2, 64)) + suffix }
}

// formatTime prints milliseconds as k6 does: 1.23s, 148.21ms, 95.3µs, 2m3s. The unit is
// chosen after rounding to two decimals, so 999.999ms is 1s, not 1000ms.
func formatTime(ms float64) string {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return num(ms)
	case math.Abs(ms) >= float64(math.MaxInt64)/float64(time.Millisecond):
		// Beyond what a time.Duration holds (292 years): seconds, in e-notation.
		return strconv.FormatFloat(ms/1000, 'g', 3, 64) + "s"
	}
	ns := math.Round(ms * float64(time.Millisecond))
	switch {
	case ns == 0:
		return "0s"
	case math.Abs(ns) < float64(time.Microsecond):
		return strconv.FormatFloat(ns, 'f', 0, 64) + "ns"
	}
	for _, u := range []struct {
		scale float64 // units per millisecond
		below float64 // largest value, exclusive, that this unit shows
		name  string
	}{{1000, 1000, "µs"}, {1, 1000, "ms"}, {0.001, 60, "s"}} {
		s := strconv.FormatFloat(ms*u.scale, 'f', 2, 64)
		if x, _ := strconv.ParseFloat(s, 64); math.Abs(x) < u.below {
			return trimZeros(s) + u.name
		}
	}
	return time.Duration(ns).Round(time.Second).String()
}

// formatBytes prints a number of bytes as k6's summary does (its humanizeBytes): 1000-based
// units B, kB, MB, ...; rounded to a tenth, one decimal under 10 (5.0 MB, 498 kB).
func formatBytes(b float64) string {
	if math.IsNaN(b) || math.IsInf(b, 0) || b < 10 {
		return num(b) + " B"
	}
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	e, scaled := 0, b
	for scaled >= 1000 && e < len(units)-1 {
		scaled /= 1000
		e++
	}
	tenths := math.Floor(scaled*10 + 0.5)
	if tenths < 100 {
		return strconv.FormatFloat(tenths/10, 'f', 1, 64) + " " + units[e]
	}
	// Whole units, half up as JavaScript's toFixed(0) rounds the tenths k6 computed.
	return strconv.FormatFloat(math.Floor(tenths/10+0.5), 'f', 0, 64) + " " + units[e]
}

type printer struct {
	w     io.Writer
	color bool
	err   error
	// time formats milliseconds: formatTime's automatic unit, or the report's fixed one.
	time func(ms float64) string
}

// timeFmt is the printer's time formatter, formatTime unless the report fixed a unit.
func (p *printer) timeFmt() func(float64) string {
	if p.time == nil {
		return formatTime
	}
	return p.time
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s+"\n")
	}
}

func (p *printer) header(s string) {
	if p.color {
		s = "\x1b[1m" + s + "\x1b[0m"
	}
	p.line("  █ " + s)
	p.line("")
}

func (p *printer) mark(ok bool) string {
	m, c := "✓", "\x1b[32m"
	if !ok {
		m, c = "✗", "\x1b[31m"
	}
	if p.color {
		return c + m + "\x1b[0m"
	}
	return m
}

// metricLine pads the name with dots to a fixed column, as k6 does.
// checkTotals prints k6's three check lines (total, succeeded, failed) for checks.
func (p *printer) checkTotals(checks []engine.Check, elapsed time.Duration) {
	var pass, fail uint64
	for _, c := range checks {
		pass += c.Passes
		fail += c.Fails
	}
	total := pass + fail
	p.metricLine("checks_total", fmt.Sprintf("%-8s %s/s", strconv.FormatUint(total, 10), num(perSecond(float64(total), elapsed))))
	p.metricLine("checks_succeeded", fmt.Sprintf("%s %d out of %d", pct(pass, total), pass, total))
	p.metricLine("checks_failed", fmt.Sprintf("%s %d out of %d", pct(fail, total), fail, total))
}

func (p *printer) metricLine(name, values string) {
	const width = 36
	dots := width - len([]rune(name))
	if dots < 3 {
		dots = 3
	}
	p.line("    " + name + strings.Repeat(".", dots) + ": " + values)
}

// esc makes script-provided text safe for a terminal.
func esc(s string) string { return metrics.EscapeControl(s) }

// FormatAggregate renders a threshold's compared value the way the metric's values print:
// times for time trends, percentages for rates, plain numbers otherwise.
func FormatAggregate(m *metrics.Metric, agg string, v float64) string {
	switch {
	case m.Type == metrics.Rate:
		return ratePercent(v)
	case m.Type == metrics.Trend && m.Contains == metrics.Time && agg != "count":
		return formatTime(v)
	}
	return num(v)
}
