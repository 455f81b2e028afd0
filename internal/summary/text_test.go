package summary

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

func mv(name string, typ metrics.MetricType, vt metrics.ValueType, values map[string]float64) engine.MetricValues {
	return engine.MetricValues{Metric: &metrics.Metric{Name: name, Type: typ, Contains: vt}, Values: values, Count: 1}
}

var trendStats = []string{"avg", "min", "med", "max", "p(90)", "p(95)"}

// fullReport has every section: thresholds (passed and failed, a submetric), checks in
// groups, custom, neo4j and execution metrics of each type, the query table, exceptions.
func fullReport() Report {
	return Report{
		Elapsed:    10 * time.Second,
		TrendStats: trendStats,
		Thresholds: map[string][]Threshold{
			"neo4j_query_duration": {
				{Source: "p(95)<200", OK: true, Value: "p(95)=12.3ms"},
				{Source: "avg<5", OK: false, Value: "avg=7.1ms"},
			},
			"neo4j_query_failed{name:person-by-id}": {
				{Source: "rate<0.01", OK: true, Value: "rate=0.00%"},
			},
		},
		Checks: []engine.Check{
			{Name: "status is ok", Passes: 100},
			{Group: "::reads", Name: "has records", Passes: 90, Fails: 10},
			{Group: "::reads::by id", Name: "name matches", Passes: 50},
			{Group: "::writes", Name: "created", Passes: 0, Fails: 5},
		},
		Metrics: []engine.MetricValues{
			mv("checks", metrics.Rate, metrics.Default, map[string]float64{"rate": 0.94, "passes": 240, "fails": 15}),
			mv("my_counter", metrics.Counter, metrics.Default, map[string]float64{"count": 123456, "rate": 12345.6}),
			mv("dropped_iterations", metrics.Counter, metrics.Default, map[string]float64{"count": 3, "rate": 0.3}),
			mv("iteration_duration", metrics.Trend, metrics.Time, map[string]float64{
				"avg": 102.3456, "min": 0.0123, "med": 99.5, "max": 1234.5, "p(90)": 150, "p(95)": 61234}),
			mv("iterations", metrics.Counter, metrics.Default, map[string]float64{"count": 100, "rate": 10}),
			mv("my_gauge", metrics.Gauge, metrics.Default, map[string]float64{"value": 3, "min": 1, "max": 7.25}),
			mv("my_success", metrics.Rate, metrics.Default, map[string]float64{"rate": 2.0 / 3, "passes": 2, "fails": 1}),
			mv("my_trend", metrics.Trend, metrics.Default, map[string]float64{
				"avg": 2.5, "min": 1, "med": 2.5, "max": 4, "p(90)": 3.7, "p(95)": 3.85}),
			mv("neo4j_queries", metrics.Counter, metrics.Default, map[string]float64{"count": 250, "rate": 25}),
			mv("neo4j_query_duration", metrics.Trend, metrics.Time, map[string]float64{
				"avg": 7.1, "min": 0.0005, "med": 5, "max": 250.75, "p(90)": 11, "p(95)": 12.3}),
			mv("neo4j_query_failed", metrics.Rate, metrics.Default, map[string]float64{"rate": 0.02, "passes": 5, "fails": 245}),
			mv("neo4j_records", metrics.Counter, metrics.Default, map[string]float64{"count": 1000, "rate": 100}),
			mv("vus", metrics.Gauge, metrics.Default, map[string]float64{"value": 0, "min": 0, "max": 10}),
			mv("vus_max", metrics.Gauge, metrics.Default, map[string]float64{"value": 10, "min": 10, "max": 10}),
		},
		Queries: []engine.QueryRow{
			{QueryKey: engine.QueryKey{Name: "person-by-id", Mode: "read"}, Count: 200, Failures: 0,
				Avg: 5.2, P50: 4.9, P95: 11.25, P99: 20, Max: 40},
			{QueryKey: engine.QueryKey{Name: "create-person", Mode: "write"}, Count: 45, Failures: 5,
				Avg: 15.123, P50: 14, P95: 30, P99: 1500, Max: 2000},
			{QueryKey: engine.QueryKey{Name: "MATCH (n) WHERE n.id IN $ids RETURN n.name", Mode: "auto"},
				Count: 5, Failures: 5, Avg: 0.8, P50: 0.75, P95: 0.9, P99: 0.95, Max: 1},
		},
		Exceptions: []ExceptionCount{
			{Msg: "TypeError: Cannot read property 'name' of undefined\n\tat default (script.js:12:3)", N: 7},
			{Msg: "Neo.ClientError.Statement.SyntaxError: Invalid input", N: 1},
		},
	}
}

func TestWriteTextGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		report Report
		color  bool
	}{
		{"full", fullReport(), false},
		{"full_color", fullReport(), true},
		{"minimal", Report{
			Elapsed:    1500 * time.Millisecond,
			TrendStats: trendStats,
			Metrics: []engine.MetricValues{
				mv("iteration_duration", metrics.Trend, metrics.Time, map[string]float64{
					"avg": 1.5, "min": 1.5, "med": 1.5, "max": 1.5, "p(90)": 1.5, "p(95)": 1.5}),
				mv("iterations", metrics.Counter, metrics.Default, map[string]float64{"count": 1, "rate": 0.6666666}),
			},
		}, false},
		{"custom_trend_stats_and_interrupted", Report{
			Elapsed:     time.Minute,
			TrendStats:  []string{"p(99.9)", "sum", "max"},
			Interrupted: "test run aborted by failed thresholds",
			Thresholds: map[string][]Threshold{
				"checks": {{Source: "rate>0.99", OK: false, Value: "rate=50.00%"}},
			},
			Checks: []engine.Check{{Name: "ok", Passes: 1, Fails: 1}},
			Metrics: []engine.MetricValues{
				mv("checks", metrics.Rate, metrics.Default, map[string]float64{"rate": 0.5, "passes": 1, "fails": 1}),
				mv("neo4j_tx_duration", metrics.Trend, metrics.Time, map[string]float64{"max": 80000, "p(99.9)": 75000, "sum": 123456}),
				mv("my_trend", metrics.Trend, metrics.Default, map[string]float64{"max": 9, "p(99.9)": 8.991, "sum": 12.5}),
				mv("a_very_long_custom_metric_name_beyond_the_column", metrics.Counter, metrics.Default, map[string]float64{"count": 1, "rate": 1.0 / 60}),
			},
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteText(&b, tc.report, tc.color); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("WriteText differs from %s (rerun with -update if the change is intended)\n%s",
					golden, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff shows the first lines that differ, enough to see what moved.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			out.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + quote(wl) + "\n  got  " + quote(gl) + "\n")
			shown++
		}
	}
	return out.String()
}

func quote(s string) string { return "`" + s + "`" }

// The layout facts users read the summary by, independent of the golden file.
func TestWriteTextLayout(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteText(&b, fullReport(), false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	order := []string{"THRESHOLDS", "TOTAL RESULTS", "    CUSTOM", "    NEO4J", "    EXECUTION", "QUERIES", "SCRIPT EXCEPTIONS"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i < 0 {
			t.Fatalf("no %q section in\n%s", s, out)
		}
		if i < last {
			t.Errorf("section %q is out of order", s)
		}
		last = i
	}
	sectionOf := func(metric string) string {
		i := strings.Index(out, "    "+metric+".")
		if i < 0 {
			return ""
		}
		sec := ""
		for _, s := range []string{"    CUSTOM", "    NEO4J", "    EXECUTION"} {
			if j := strings.Index(out, s); j >= 0 && j < i {
				sec = strings.TrimSpace(s)
			}
		}
		return sec
	}
	for metric, want := range map[string]string{
		"my_trend": "CUSTOM", "my_counter": "CUSTOM", "my_gauge": "CUSTOM", "neo4j_query_duration": "NEO4J", "neo4j_records": "NEO4J",
		"iterations": "EXECUTION", "iteration_duration": "EXECUTION", "vus": "EXECUTION", "vus_max": "EXECUTION",
		"dropped_iterations": "EXECUTION",
	} {
		if got := sectionOf(metric); got != want {
			t.Errorf("%s is in section %q, want %q", metric, got, want)
		}
	}
	if strings.Contains(out, "    checks.") {
		t.Error("the checks metric is listed again among the metrics")
	}
	// Every metric line puts its values in the same column.
	col := -1
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "...: "); i >= 0 && strings.HasPrefix(l, "    ") {
			c := utf8.RuneCountInString(l[:i])
			if col < 0 {
				col = c
			} else if c != col {
				t.Errorf("values at column %d, others at %d: %q", c, col, l)
			}
		}
	}
	if !strings.Contains(out, "TypeError: Cannot read property 'name' of undefined\n") || strings.Contains(out, "script.js:12:3") {
		t.Error("an exception must show its first line only")
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("ANSI codes without color")
	}
}

type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errDiskFull
	}
	w.n--
	return len(p), nil
}

func TestWriteTextReportsWriteError(t *testing.T) {
	t.Parallel()
	for _, okWrites := range []int{0, 3, 20} {
		w := &failingWriter{n: okWrites}
		if err := WriteText(w, fullReport(), false); !errors.Is(err, errDiskFull) {
			t.Errorf("after %d writes: err = %v, want the writer's error", okWrites, err)
		}
	}
}

// Rates per second must stay numbers when the run took no measurable time.
func TestWriteTextZeroElapsed(t *testing.T) {
	t.Parallel()
	r := fullReport()
	r.Elapsed = 0
	var b bytes.Buffer
	if err := WriteText(&b, r, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "Inf") || strings.Contains(out, "NaN") {
		t.Errorf("summary shows Inf/NaN rates:\n%s", out)
	}
	if !strings.Contains(out, "checks_total") || !strings.Contains(out, " 0/s") {
		t.Errorf("with no time elapsed, rates are 0/s:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "person-by-id") && strings.HasPrefix(l, "    person") && !strings.Contains(l, " 0/s") {
			t.Errorf("query row rate is not 0/s: %q", l)
		}
	}
}

// Query names in any script language line up in the table.
func TestQueryTableAlignsNonASCIINames(t *testing.T) {
	t.Parallel()
	rows := []engine.QueryRow{
		{QueryKey: engine.QueryKey{Name: "person", Mode: "read"}, Count: 1},
		{QueryKey: engine.QueryKey{Name: "café", Mode: "read"}, Count: 1},
		{QueryKey: engine.QueryKey{Name: "人物查询", Mode: "write"}, Count: 1},
		{QueryKey: engine.QueryKey{Name: strings.Repeat("MATCH (n) ", 10), Mode: "auto"}, Count: 1},
	}
	var b bytes.Buffer
	p := &printer{w: &b}
	writeQueryTable(p, rows, time.Second)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	width := utf8.RuneCountInString(lines[0])
	for _, l := range lines[1:] {
		if n := utf8.RuneCountInString(l); n != width {
			t.Errorf("row is %d runes wide, header %d:\n%s\n%s", n, width, lines[0], l)
		}
	}
}

func TestQueryTableTruncatesLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100)
	var b bytes.Buffer
	writeQueryTable(&printer{w: &b}, []engine.QueryRow{{QueryKey: engine.QueryKey{Name: long, Mode: "read"}, Count: 1}}, time.Second)
	out := b.String()
	if strings.Contains(out, long[:61]) || !strings.Contains(out, strings.Repeat("x", 59)+"…") {
		t.Errorf("a 100-char name must be cut to 60 with an ellipsis:\n%s", out)
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ms   float64
		want string
	}{
		{"zero", 0, "0s"},
		{"nanoseconds", 0.0005, "500ns"},
		{"one nanosecond", 0.000001, "1ns"},
		{"microseconds", 0.0123, "12.3µs"},
		{"whole microseconds", 0.5, "500µs"},
		{"microseconds two decimals", 0.12345, "123.45µs"},
		{"milliseconds", 148.214, "148.21ms"},
		{"whole milliseconds", 5, "5ms"},
		{"one millisecond", 1, "1ms"},
		{"seconds", 1234.5, "1.23s"},
		{"whole seconds", 2000, "2s"},
		{"just under a minute", 59990, "59.99s"},
		{"minutes", 123000, "2m3s"},
		{"minutes rounded to the second", 123456, "2m3s"},
		{"hours", 3723000, "1h2m3s"},
		{"NaN", math.NaN(), "NaN"},
		{"negative milliseconds", -2.5, "-2.5ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := formatTime(tc.ms); got != tc.want {
				t.Errorf("formatTime(%v) = %q, want %q", tc.ms, got, tc.want)
			}
		})
	}
}

// count is a number of samples, not a time, whatever the trend contains.
func TestTrendCountIsNotATime(t *testing.T) {
	t.Parallel()
	m := mv("neo4j_tx_duration", metrics.Trend, metrics.Time, map[string]float64{"count": 12, "avg": 3})
	if got, want := formatValues(m, []string{"count", "avg"}, time.Second, formatTime), "count=12       avg=3ms"; got != want {
		t.Errorf("formatValues = %q, want %q", got, want)
	}
}

// Byte counters are shown in bytes, as k6 shows data_sent and data_received.
func TestDataCounterHasUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    engine.MetricValues
		want string
	}{
		{"counter", mv("data_received", metrics.Counter, metrics.Data, map[string]float64{"count": 123456, "rate": 12345.6}),
			"124 kB   12 kB/s"},
		{"counter in MB", mv("data_sent", metrics.Counter, metrics.Data, map[string]float64{"count": 5e6, "rate": 498000}),
			"5.0 MB   498 kB/s"},
		{"gauge", mv("buffer", metrics.Gauge, metrics.Data, map[string]float64{"value": 2048, "min": 0, "max": 1.5e6}),
			"2.0 kB   min=0 B max=1.5 MB"},
		{"trend, count stays a number", mv("payload", metrics.Trend, metrics.Data, map[string]float64{"avg": 1500, "count": 3000}),
			"avg=1.5 kB   count=3000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := formatValues(tc.m, []string{"avg", "count"}, time.Second, formatTime); got != tc.want {
				t.Errorf("formatValues = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    float64
		want string
	}{
		{"zero", 0, "0 B"},
		{"under ten bytes", 7, "7 B"},
		{"fraction of a byte", 0.5, "0.5 B"},
		{"bytes", 123, "123 B"},
		{"bytes rounded", 12.34, "12 B"},
		{"last byte value", 999, "999 B"},
		{"one kB", 1000, "1.0 kB"},
		{"one decimal under ten", 5432, "5.4 kB"},
		{"whole above ten", 12345.6, "12 kB"},
		{"tenths half up", 123456, "124 kB"},
		{"kB", 498000, "498 kB"},
		{"MB", 5e6, "5.0 MB"},
		{"large MB", 157e6, "157 MB"},
		{"GB", 2.5e9, "2.5 GB"},
		{"PB", 3e15, "3.0 PB"},
		{"beyond the last unit", 5e27, "5000 YB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := formatBytes(tc.b); got != tc.want {
				t.Errorf("formatBytes(%v) = %q, want %q", tc.b, got, tc.want)
			}
		})
	}
}

// Rounding to two decimals must not print a value in a unit it has outgrown.
func TestFormatTimeUnitBoundaries(t *testing.T) {
	t.Parallel()
	for ms, want := range map[float64]string{
		999.999: "1s", 0.999999: "1ms", 59999: "1m0s",
		-999.999: "-1s", -0.999999: "-1ms", -59999: "-1m0s",
		999.994: "999.99ms", 0.999994: "999.99µs", 59994: "59.99s",
		0.0009996: "1µs", 0.0009994: "999ns",
		math.Inf(1): "+Inf", math.Inf(-1): "-Inf", 1e300: "1e+297s",
	} {
		if got := formatTime(ms); got != want {
			t.Errorf("formatTime(%v) = %q, want %q", ms, got, want)
		}
	}
}

func TestNum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		x    float64
		want string
	}{
		{"zero", 0, "0"},
		{"integer", 42, "42"},
		{"large integer", 123456789, "123456789"},
		{"negative integer", -7, "-7"},
		{"two decimals", 3.14159, "3.14"},
		{"trailing zero trimmed", 2.5, "2.5"},
		{"rounds up", 2.999, "3"},
		{"rate per second", 0.6666666, "0.67"},
		{"small keeps three significant digits", 0.0012345, "0.00123"},
		{"small", 0.005, "0.005"},
		{"one hundredth", 0.01, "0.01"},
		{"negative fraction", -1.255, "-1.25"},
		{"huge", 1e20, "100000000000000000000"},
		{"NaN", math.NaN(), "NaN"},
		{"infinity", math.Inf(1), "+Inf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := num(tc.x); got != tc.want {
				t.Errorf("num(%v) = %q, want %q", tc.x, got, tc.want)
			}
		})
	}
}

func TestSummaryTimeUnitFixesTheUnit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		unit string
		ms   float64
		want string
	}{
		{"", 1534.5, "1.53s"},
		{"ms", 1534.5, "1534.5ms"},
		{"s", 1534.5, "1.53s"},
		{"s", 12, "0.01s"},
		{"us", 0.25, "250µs"},
	}
	for _, c := range cases {
		if got := TimeFormat(c.unit)(c.ms); got != c.want {
			t.Errorf("TimeFormat(%q)(%v) = %q, want %q", c.unit, c.ms, got, c.want)
		}
	}
}
