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
}

// ExceptionCount is a distinct script exception and how often it was thrown.
type ExceptionCount struct {
	Msg string
	N   int
}

// WriteText writes the report in k6's text layout. color adds ANSI marks.
func WriteText(w io.Writer, r Report, color bool) error {
	p := &printer{w: w, color: color}
	p.line("")
	if len(r.Thresholds) > 0 {
		p.header("THRESHOLDS")
		names := make([]string, 0, len(r.Thresholds))
		for n := range r.Thresholds {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p.line("    " + n)
			for _, t := range r.Thresholds[n] {
				p.line(fmt.Sprintf("    %s '%s' %s", p.mark(t.OK), t.Source, t.Value))
			}
			p.line("")
		}
		p.line("")
	}
	p.header("TOTAL RESULTS")
	if len(r.Checks) > 0 {
		var pass, fail uint64
		for _, c := range r.Checks {
			pass += c.Passes
			fail += c.Fails
		}
		total := pass + fail
		secs := r.Elapsed.Seconds()
		p.metricLine("checks_total", fmt.Sprintf("%-8s %s/s", strconv.FormatUint(total, 10), num(float64(total)/secs)))
		p.metricLine("checks_succeeded", fmt.Sprintf("%s %d out of %d", pct(pass, total), pass, total))
		p.metricLine("checks_failed", fmt.Sprintf("%s %d out of %d", pct(fail, total), fail, total))
		p.line("")
		group := ""
		for _, c := range r.Checks {
			if c.Group != group {
				group = c.Group
				p.line("    █ " + strings.TrimPrefix(strings.ReplaceAll(group, "::", " › "), " › "))
			}
			if c.Fails == 0 {
				p.line("    " + p.mark(true) + " " + c.Name)
			} else {
				p.line("    " + p.mark(false) + " " + c.Name)
				p.line(fmt.Sprintf("      ↳  %s — ✓ %d / ✗ %d", pct(c.Passes, c.Passes+c.Fails), c.Passes, c.Fails))
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
	bySection := map[string][]engine.MetricValues{}
	for _, s := range sections {
		for _, m := range r.Metrics {
			if !shown[m.Metric.Name] && s.match(m.Metric.Name) {
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
			p.metricLine(m.Metric.Name, formatValues(m, r.TrendStats, r.Elapsed))
		}
		p.line("")
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
			p.line(fmt.Sprintf("    %6d × %s", e.N, firstLine(e.Msg)))
		}
		p.line("")
	}
	if r.Interrupted != "" {
		p.line("")
		p.line("  " + r.Interrupted)
	}
	p.line("")
	return p.err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func isExecutionMetric(n string) bool {
	switch n {
	case "iterations", "iteration_duration", "iteration_failed", "vus", "vus_max", "dropped_iterations", "group_duration":
		return true
	}
	return false
}

func writeQueryTable(p *printer, rows []engine.QueryRow, elapsed time.Duration) {
	nameW := len("name")
	for _, q := range rows {
		nameW = max(nameW, len([]rune(q.Name)))
	}
	nameW = min(nameW, 60)
	head := fmt.Sprintf("    %-*s  %-5s  %9s  %8s  %9s  %9s  %9s  %9s  %9s", nameW, "name", "mode", "count", "failed", "rate", "avg", "p(50)", "p(95)", "p(99)")
	p.line(head)
	for _, q := range rows {
		name := q.Name
		if r := []rune(name); len(r) > nameW {
			name = string(r[:nameW-1]) + "…"
		}
		p.line(fmt.Sprintf("    %-*s  %-5s  %9d  %8d  %7s/s  %9s  %9s  %9s  %9s", nameW+len(name)-len([]rune(name)), name, q.Mode,
			q.Count, q.Failures, num(float64(q.Count)/elapsed.Seconds()),
			formatTime(q.Avg), formatTime(q.P50), formatTime(q.P95), formatTime(q.P99)))
	}
}

func formatValues(m engine.MetricValues, trendStats []string, elapsed time.Duration) string {
	v := m.Values
	f := func(x float64) string {
		if m.Metric.Contains == metrics.Time {
			return formatTime(x)
		}
		return num(x)
	}
	switch m.Metric.Type {
	case metrics.Counter:
		return fmt.Sprintf("%-8s %s/s", f(v["count"]), num(v["rate"]))
	case metrics.Gauge:
		return fmt.Sprintf("%-8s min=%s max=%s", f(v["value"]), f(v["min"]), f(v["max"]))
	case metrics.Rate:
		p, fl := uint64(v["passes"]), uint64(v["fails"])
		return fmt.Sprintf("%s %d out of %d", pct(p, p+fl), p, p+fl)
	}
	parts := make([]string, 0, len(trendStats))
	for _, s := range trendStats {
		parts = append(parts, fmt.Sprintf("%s=%-8s", s, f(v[s])))
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

func pct(n, total uint64) string {
	if total == 0 {
		return "0.00%"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(n)/float64(total))
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

// formatTime prints milliseconds as k6 does: 1.23s, 148.21ms, 95.3µs, 2m3s.
func formatTime(ms float64) string {
	if math.IsNaN(ms) {
		return "NaN"
	}
	d := time.Duration(ms * float64(time.Millisecond))
	switch {
	case d == 0:
		return "0s"
	case d < time.Microsecond && d > -time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond && d > -time.Millisecond:
		return trimZeros(fmt.Sprintf("%.2f", float64(d)/float64(time.Microsecond))) + "µs"
	case d < time.Second && d > -time.Second:
		return trimZeros(fmt.Sprintf("%.2f", ms)) + "ms"
	case d < time.Minute && d > -time.Minute:
		return trimZeros(fmt.Sprintf("%.2f", d.Seconds())) + "s"
	}
	return d.Round(time.Second).String()
}

type printer struct {
	w     io.Writer
	color bool
	err   error
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
func (p *printer) metricLine(name, values string) {
	const width = 36
	dots := width - len([]rune(name))
	if dots < 3 {
		dots = 3
	}
	p.line("    " + name + strings.Repeat(".", dots) + ": " + values)
}
