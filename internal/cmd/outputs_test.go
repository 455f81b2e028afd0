package cmd

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The JSON and CSV files hold every sample the run produced: their counts equal the
// summary's.
func TestOutputsHoldEverySampleOfTheRun(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "out.json.gz")
	csvPath := filepath.Join(dir, "out.csv")
	src := `import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('things');
export const options = { vus: 3, iterations: 300, thresholds: { 'checks{check:odd}': ['rate>0.4'] } };
export default function () { check(__ITER, { odd: (i) => i % 2 === 1 }); c.add(2, { kind: 'k' }); }`
	r := runScript(t, src, nil, "-o", "json="+jsonPath, "--out", "csv="+csvPath)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	iterations := summaryCount(t, r.stdout, "iterations")

	points := map[string]int{}
	sums := map[string]float64{}
	described := map[string]bool{}
	var thingsKind string
	var checksDesc struct {
		Thresholds []string
		Submetrics []struct{ Name string }
	}
	sc := bufio.NewScanner(bytes.NewReader(outputtest.ReadFile(t, jsonPath)))
	for sc.Scan() {
		var line struct {
			Type   string
			Metric string
			Data   json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		switch line.Type {
		case "Metric":
			described[line.Metric] = true
			if line.Metric == "checks" {
				_ = json.Unmarshal(line.Data, &checksDesc)
			}
		case "Point":
			if !described[line.Metric] {
				t.Fatalf("a Point of %s came before its Metric line", line.Metric)
			}
			var p struct {
				Value float64
				Tags  map[string]string
				Time  string
			}
			_ = json.Unmarshal(line.Data, &p)
			points[line.Metric]++
			sums[line.Metric] += p.Value
			if line.Metric == "things" {
				thingsKind = p.Tags["kind"]
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if points["iterations"] != iterations || points["checks"] != iterations || points["things"] != iterations {
		t.Fatalf("points %v, want %d iterations, checks and things", points, iterations)
	}
	if sums["things"] != float64(2*iterations) || thingsKind != "k" {
		t.Fatalf("things sum %v (want %d) kind %q", sums["things"], 2*iterations, thingsKind)
	}
	if len(checksDesc.Submetrics) != 1 || checksDesc.Submetrics[0].Name != "checks{check:odd}" {
		t.Fatalf("the checks Metric line should list the threshold's submetric: %+v", checksDesc)
	}

	rows, err := csv.NewReader(bytes.NewReader(outputtest.ReadFile(t, csvPath))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.Join(rows[0], ","), "metric_name,timestamp,metric_value") {
		t.Fatalf("csv header %v", rows[0])
	}
	perMetric := map[string]int{}
	for _, row := range rows[1:] {
		perMetric[row[0]]++
	}
	if perMetric["iterations"] != iterations || perMetric["things"] != iterations {
		t.Fatalf("csv rows %v, want %d iterations and things", perMetric, iterations)
	}
}

func TestUnknownOutputIsAnInvalidOption(t *testing.T) {
	r := runScript(t, `export default function () {}`, nil, "--out", "influxdb=http://x")
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, `unknown output "influxdb"`) || !strings.Contains(r.stderr, "json") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = runScript(t, `export default function () {}`, nil, "--out", "json=/no/such/dir/out.json")
	if r.code == ExitOK || !strings.Contains(r.stderr, "/no/such/dir/out.json") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestReportFlagWritesASelfContainedHTMLReport(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.html")
	src := `import { check } from 'k6';
export const options = { iterations: 20, thresholds: { checks: ['rate>0.99'] } };
export default function () { check(__ITER, { 'report-check-name': (i) => i % 2 === 0 }); }`
	r := runScript(t, src, nil, "--report", report)
	if r.code != ExitThresholds {
		t.Fatalf("exit %d, want 99 (the threshold fails)\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	// The data is embedded as JSON with <, > and & escaped (so no value can close the script).
	for _, want := range []string{"<html", "report-check-name", `rate\u003e0.99`, `"pass":false`, "script.js"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, bad := range []string{"<script src=", "<link rel=\"stylesheet\" href=", "https://"} {
		if strings.Contains(html, bad) {
			t.Errorf("the report loads something from elsewhere (%q): it must open offline", bad)
		}
	}
}

// stuckOutput never finishes stopping, as a file on a dead disk or a pipe nobody reads.
type stuckOutput struct{ block chan struct{} }

func (o stuckOutput) Description() string                  { return "stuck" }
func (o stuckOutput) Start() error                         { return nil }
func (o stuckOutput) AddSamples([]metrics.SampleContainer) {}
func (o stuckOutput) Stop() error                          { <-o.block; return nil }

// The end of a run never waits for ever on an output that cannot finish: the others are
// stopped all the same and the stuck one is reported.
func TestStopOutputsIsBounded(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	free := &countingStop{}
	start := time.Now()
	err := stopOutputsWithin([]output.Output{stuckOutput{block}, free}, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not finish within 300ms") || !strings.Contains(err.Error(), "stuck") {
		t.Fatalf("err = %v, want the limit named", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %s", took)
	}
	if !free.stopped.Load() {
		t.Fatal("the output that could stop was not stopped")
	}
}

type countingStop struct{ stopped atomic.Bool }

func (o *countingStop) Description() string                  { return "free" }
func (o *countingStop) Start() error                         { return nil }
func (o *countingStop) AddSamples([]metrics.SampleContainer) {}
func (o *countingStop) Stop() error                          { o.stopped.Store(true); return nil }
