package summary

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Every piece of script text in the summary (threshold keys, check and group names, metric
// and submetric names, the query table, the exceptions) reaches the terminal with its control
// characters as visible escapes: a NUL or an ANSI sequence from a name must not print raw.
func TestWriteTextEscapesControlCharacters(t *testing.T) {
	r := Report{
		Elapsed:    time.Second,
		TrendStats: trendStats,
		Thresholds: map[string][]Threshold{
			"neo4j_query_duration{name:q\x00}": {{Source: "p(95)<\x1b[2J1", OK: true, Value: "p(95)=1ms"}},
		},
		Checks: []engine.Check{{Group: "::g\x07", Name: "check\x00\n\u0085", Passes: 1}},
		Metrics: []engine.MetricValues{
			mv("custom\x1b", metrics.Counter, metrics.Default, map[string]float64{"count": 1, "rate": 1}),
		},
		Queries:     []engine.QueryRow{{QueryKey: engine.QueryKey{Name: "q\x00name\r", Mode: "read\x7f"}, Count: 1}},
		Exceptions:  []ExceptionCount{{Msg: "boom\x1b[31m\x00", N: 2}},
		OutputDrops: []engine.OutputDrop{{Output: "json\x01 (out.json)", Samples: 7}},
	}
	var b bytes.Buffer
	if err := WriteText(&b, r, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, c := range out {
		if (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
			t.Fatalf("raw control character %U at byte %d:\n%s", c, i, out)
		}
	}
	for _, want := range []string{
		`neo4j_query_duration{name:q\x00}`, `p(95)<\x1b[2J1`, `g\x07`, `check\x00\n\u0085`, `custom\x1b`,
		`q\x00name\r`, `read\x7f`, `boom\x1b[31m\x00`, `output json\x01 dropped 7 samples (it could not keep up)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in the summary:\n%s", want, out)
		}
	}
}
