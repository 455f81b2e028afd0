package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"time"
)

// runWithSignals runs a script and sends SIGINT at each of the given times after the start.
func runWithSignals(t *testing.T, src string, at ...time.Duration) (result, time.Duration) {
	t.Helper()
	return runWithSignalsArgs(t, src, nil, at...)
}

func runWithSignalsArgs(t *testing.T, src string, args []string, at ...time.Duration) (result, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	sig := make(chan os.Signal, 2)
	start := time.Now()
	for _, d := range at {
		time.AfterFunc(d, func() { sig <- syscall.SIGINT })
	}
	var out, errb bytes.Buffer
	code := Main(&GlobalState{Args: append(append([]string{"xk6-neo4j", "run", "--quiet"}, args...), path), Env: map[string]string{},
		Stdout: &out, Stderr: &errb, Signals: sig})
	return result{out.String(), errb.String(), code}, time.Since(start)
}

func TestCtrlCStopsGracefullyRunsTeardownAndPrintsTheSummary(t *testing.T) {
	src := `import { sleep } from 'k6';
export const options = { vus: 4, duration: '30s' };
export default function () { sleep(0.1); }
export function teardown() { console.log('teardown ran'); }`
	r, took := runWithSignals(t, src, time.Second)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
	}
	if took > 5*time.Second {
		t.Fatalf("took %s after Ctrl-C at 1s", took)
	}
	if !strings.Contains(r.stderr, "teardown ran") {
		t.Fatalf("teardown did not run:\n%s", r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n < 20 || n > 60 {
		t.Fatalf("iterations %d: want about 40 (4 VUs for 1 s at 0.1 s each)", n)
	}
	if !strings.Contains(r.stdout, "run interrupted by a signal") {
		t.Fatalf("the summary should say the run was interrupted:\n%s", r.stdout)
	}
}

func TestSecondCtrlCStopsAtOnce(t *testing.T) {
	// Iterations that would take 20 s, gracefulStop 30 s: only the second Ctrl-C ends them.
	src := `import { sleep } from 'k6';
export const options = { scenarios: { long: { executor: 'constant-vus', vus: 2, duration: '1m', gracefulStop: '30s' } } };
export default function () { sleep(20); }`
	r, took := runWithSignals(t, src, 500*time.Millisecond, 1500*time.Millisecond)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
	}
	if took > 6*time.Second {
		t.Fatalf("took %s: the second Ctrl-C should stop at once", took)
	}
	if !strings.Contains(r.stdout, "iterations") && !strings.Contains(r.stdout, "TOTAL RESULTS") {
		t.Fatalf("no summary after a hard stop:\n%s", r.stdout)
	}
}

// After Ctrl-C the output files are complete: every line whole, every counted iteration in.
func TestCtrlCLeavesCompleteOutputFiles(t *testing.T) {
	dir := t.TempDir()
	jsonPath, csvPath := filepath.Join(dir, "out.json.gz"), filepath.Join(dir, "out.csv")
	src := `import { sleep } from 'k6';
export const options = { vus: 4, duration: '1m' };
export default function () { sleep(0.005); }`
	r, _ := runWithSignalsArgs(t, src, []string{"-o", "json=" + jsonPath, "-o", "csv=" + csvPath}, 700*time.Millisecond)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	iterations := summaryCount(t, r.stdout, "iterations")
	b := outputtest.ReadFile(t, jsonPath) // fails unless the gzip stream was closed properly
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Fatal("the JSON file does not end on a complete line")
	}
	points := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var l struct{ Type, Metric string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("broken line %q: %v", line, err)
		}
		if l.Type == "Point" && l.Metric == "iterations" {
			points++
		}
	}
	if points != iterations {
		t.Fatalf("%d iterations points in the file, %d in the summary", points, iterations)
	}
	c := outputtest.ReadFile(t, csvPath)
	if len(c) == 0 || c[len(c)-1] != '\n' || strings.Count(string(c), "\niterations,") != iterations {
		t.Fatalf("the CSV file is incomplete: %d iteration rows, want %d", strings.Count(string(c), "\niterations,"), iterations)
	}
}
