package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// handleSummary runs after the engine has stopped; a check() or a custom metric there pushes
// samples nobody will aggregate. They are dropped: the run neither panics (a send on a
// closed channel) nor hangs, exits 0, and the summary handleSummary returns is written.
func TestSamplesInHandleSummaryAreDroppedQuietly(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "summary.txt")
	src := `
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const late = new Counter('late_counter');
export const options = { vus: 2, iterations: 20 };
export default function () { check(1, { 'in the run': (x) => x === 1 }); late.add(1); }
export function handleSummary(data) {
  let ok = 0;
  for (let i = 0; i < 100000; i++) { // far more than the engine's buffer holds
    if (check(i, { 'in handleSummary': () => true })) ok++;
    late.add(1, { where: 'handleSummary' });
  }
  return {
    stdout: 'checks in handleSummary: ' + ok + '\n',
    [` + "`" + `${__ENV.OUT}` + "`" + `]: 'late_counter=' + data.metrics.late_counter.values.count + '\n',
  };
}
`
	r := runScript(t, src, map[string]string{"OUT": out})
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range []string{"panic", "goroutine ", "send on closed channel"} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Fatalf("%q in the output:\nstdout:\n%s\nstderr:\n%s", bad, r.stdout, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "checks in handleSummary: 100000") {
		t.Errorf("handleSummary's stdout missing:\n%s", r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the summary file handleSummary returned was not written: %v", err)
	}
	// The data handleSummary got is the run's: the late samples are not in it.
	if got := string(b); got != "late_counter=20\n" {
		t.Errorf("summary file %q, want the run's 20", got)
	}
}
