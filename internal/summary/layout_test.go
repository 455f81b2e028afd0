package summary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func textOf(t *testing.T, r Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteText(&buf, r, false); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// k6 prints a submetric right under its metric, as "{ tag:value }" two columns further in,
// and in its metric's section, even when another metric's name sorts between the two.
func TestSubmetricNestedUnderItsMetric(t *testing.T) {
	lat := &metrics.Metric{Name: "my_latency", Type: metrics.Trend, Contains: metrics.Time}
	sub := *lat
	sub.Name = "my_latency{kind:a}"
	other := &metrics.Metric{Name: "my_latency_total", Type: metrics.Counter}
	it := &metrics.Metric{Name: "iterations", Type: metrics.Counter}
	itSub := *it
	itSub.Name = "iterations{scenario:main}"
	v := map[string]float64{"avg": 1, "min": 1, "med": 1, "max": 1, "p(90)": 1, "p(95)": 1, "count": 1, "rate": 1}
	out := textOf(t, Report{
		Metrics: []engine.MetricValues{
			{Metric: &itSub, Values: v}, {Metric: other, Values: v}, {Metric: &sub, Values: v},
			{Metric: lat, Values: v}, {Metric: it, Values: v},
		},
		TrendStats: metrics.DefaultTrendStats,
	})
	lines := strings.Split(out, "\n")
	index := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %q in\n%s", prefix, out)
		return -1
	}
	if a, b := index("    my_latency."), index("      { kind:a }."); b != a+1 {
		t.Errorf("submetric at line %d, its metric at %d: want it right under\n%s", b, a, out)
	}
	if a, b := index("    iterations."), index("      { scenario:main }."); b != a+1 {
		t.Errorf("iterations' submetric at line %d, iterations at %d (section EXECUTION)\n%s", b, a, out)
	}
	if strings.Contains(out, "my_latency{") || strings.Contains(out, "iterations{") {
		t.Errorf("a submetric is printed by its key, not as { selector }:\n%s", out)
	}
	// The values still line up with the other metrics'.
	col := strings.Index(lines[index("    my_latency.")], ": ")
	if c := strings.Index(lines[index("      { kind:a }.")], ": "); c != col {
		t.Errorf("submetric values at column %d, metric's at %d\n%s", c, col, out)
	}
}

// k6 cuts a rate's percentage to two decimals rather than rounding it: 2 of 3 is 66.66%,
// and 9999 passes in 10000 is 99.99%, never a 100.00% that hides a failure. A failed
// check's line gives a floored whole percent.
func TestPercentagesCutLikeK6(t *testing.T) {
	rate := &metrics.Metric{Name: "my_ok", Type: metrics.Rate}
	out := textOf(t, Report{
		Metrics: []engine.MetricValues{{Metric: rate, Values: map[string]float64{"rate": 9999.0 / 10000, "passes": 9999, "fails": 1}}},
		Checks:  []engine.Check{{Name: "two of three", Passes: 2, Fails: 1}},
	})
	for _, want := range []string{
		": 99.99% 9999 out of 10000",
		"checks_succeeded....................: 66.66% 2 out of 3",
		"checks_failed.......................: 33.33% 1 out of 3",
		"↳  66% — ✓ 2 / ✗ 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if got := FormatAggregate(rate, "rate", 2.0/3); got != "66.66%" {
		t.Errorf("threshold value of a rate = %q, want 66.66%%", got)
	}
}

// A metric with a threshold but no samples is still in the summary, at zero, as in k6.
func TestThresholdedMetricWithoutSamplesShown(t *testing.T) {
	m := &metrics.Metric{Name: "never_seen", Type: metrics.Trend, Contains: metrics.Time}
	th, err := metrics.ParseThreshold("p(95)<100")
	if err != nil {
		t.Fatal(err)
	}
	r := AddThresholdMetrics(Report{TrendStats: metrics.DefaultTrendStats},
		[]engine.ThresholdResult{{Key: "never_seen", Metric: m, Threshold: th, Pass: true}})
	out := textOf(t, r)
	if !strings.Contains(out, "    never_seen..........................: avg=0s") {
		t.Errorf("no zero line for the thresholded metric:\n%s", out)
	}
}

// --summary-mode full adds a section per group with that group's own checks; compact
// (the default) has none.
func TestFullModeSectionPerGroup(t *testing.T) {
	r := Report{Checks: []engine.Check{
		{Name: "top", Passes: 1},
		{Group: "::a", Name: "in a", Passes: 3},
		{Group: "::a::b", Name: "in b", Passes: 1, Fails: 1},
	}}
	if out := textOf(t, r); strings.Contains(out, "GROUP:") {
		t.Fatalf("compact summary has group sections:\n%s", out)
	}
	r.Full = true
	out := textOf(t, r)
	a, b := strings.Index(out, "█ GROUP: a\n"), strings.Index(out, "█ GROUP: a › b\n")
	if a < 0 || b < a {
		t.Fatalf("no section per group, in order:\n%s", out)
	}
	if !strings.Contains(out[a:b], "checks_total........................: 3") || strings.Contains(out[a:b], "in b") {
		t.Errorf("group a's section counts only its own checks:\n%s", out[a:b])
	}
	if !strings.Contains(out[b:], "checks_succeeded....................: 50.00% 1 out of 2") {
		t.Errorf("group a › b's section:\n%s", out[b:])
	}
}
