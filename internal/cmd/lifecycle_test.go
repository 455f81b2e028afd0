package cmd

import (
	"strings"
	"testing"
	"time"
)

// k6 v2's first Ctrl-C interrupts the running iterations at once (no gracefulStop), then
// runs teardown() and prints the summary: a busy loop ends within seconds, not after 30 s.
func TestFirstCtrlCInterruptsIterationsAtOnce(t *testing.T) {
	src := `export const options = { vus: 2, duration: '5m' };
export default function () { for (;;) {} }
export function teardown() { console.log('teardown ran'); }`
	r, took := runWithSignals(t, src, time.Second)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
	}
	if took > 8*time.Second { // gracefulStop is 30 s: waiting for it would take 31 s
		t.Errorf("took %s after Ctrl-C at 1s: the iterations should be interrupted at once", took)
	}
	if !strings.Contains(r.stderr, "teardown ran") {
		t.Errorf("teardown did not run after one Ctrl-C:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "vus_max") {
		t.Errorf("no summary after one Ctrl-C:\n%s", r.stdout)
	}
	if strings.Contains(r.stderr, "gracefulStop") {
		t.Errorf("the warning still promises a gracefulStop:\n%s", r.stderr)
	}
}

// With no options at all k6 runs one iteration on the per-vu-iterations executor.
func TestNoOptionsIsPerVUIterations(t *testing.T) {
	src := `import exec from 'k6/execution';
export default function () { console.log('executor=' + exec.scenario.executor); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK || summaryCount(t, r.stdout, "iterations") != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "executor=per-vu-iterations") {
		t.Errorf("want the per-vu-iterations executor:\n%s", r.stderr)
	}
}

// setupTimeout: k6's message and exit code 100.
func TestSetupTimeoutExits100(t *testing.T) {
	src := `import { sleep } from 'k6';
export const options = { setupTimeout: '1s' };
export function setup() { sleep(30); }
export default function () {}`
	start := time.Now()
	r := runScript(t, src, nil)
	if r.code != 100 {
		t.Fatalf("exit %d, want 100\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "setup() execution timed out after 1 seconds") {
		t.Errorf("want k6's message:\n%s", r.stderr)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("took %s with setupTimeout 1s", took)
	}
}

// teardownTimeout ends teardown() with k6's message; handleSummaryTimeout ends
// handleSummary() and the default summary is printed instead.
func TestTeardownAndHandleSummaryTimeouts(t *testing.T) {
	src := `export const options = { teardownTimeout: '1s', handleSummaryTimeout: '1s' };
export default function () {}
export function teardown() { for (;;) {} }
export function handleSummary() { for (;;) {} }`
	r := runScript(t, src, nil)
	if r.code != ExitTeardownTimeout {
		t.Errorf("exit %d, want %d", r.code, ExitTeardownTimeout)
	}
	for _, want := range []string{"teardown() execution timed out after 1 seconds", "handleSummary() execution timed out after 1 seconds"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "iterations") {
		t.Errorf("no default summary after handleSummary timed out:\n%s", r.stdout)
	}
}

// noSetup/noTeardown skip those functions; noConnectionReuse warns (connections are always
// reused); discardResponseBodies is accepted without a word.
func TestLifecycleOptions(t *testing.T) {
	src := `export const options = { noSetup: true, noTeardown: true, noConnectionReuse: true, discardResponseBodies: true };
export function setup() { console.log('SETUP RAN'); return { a: 1 }; }
export default function (d) { console.log('DATA=' + JSON.stringify(d)); }
export function teardown() { console.log('TEARDOWN RAN'); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, bad := range []string{"SETUP RAN", "TEARDOWN RAN", "discardResponseBodies"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr has %q:\n%s", bad, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, `\"noConnectionReuse\" has no effect`) {
		t.Errorf("no warning about noConnectionReuse:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout, "teardown run") {
		t.Errorf("the summary claims teardown ran:\n%s", r.stdout)
	}
}

// exec.test.abort() in the init code of a VU other than the first: exit 108, and
// handleSummary still runs.
func TestAbortInALaterVUsInit(t *testing.T) {
	src := `import exec from 'k6/execution';
export const options = { vus: 3, duration: '10s' };
if (__VU === 2) exec.test.abort('vu 2 says no');
export default function () {}
export function handleSummary(d) { console.log('HANDLE SUMMARY RAN'); return {}; }`
	r := runScript(t, src, nil)
	if r.code != ExitScriptAborted {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptAborted, r.stderr)
	}
	if !strings.Contains(r.stderr, "HANDLE SUMMARY RAN") {
		t.Errorf("handleSummary did not run:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "vu 2 says no") {
		t.Errorf("the reason is not reported:\n%s", r.stderr)
	}
}

// __ITER exists only in iterations: in setup() it is a ReferenceError, exit 107.
func TestIterInSetupIsAReferenceError(t *testing.T) {
	r := runScript(t, `export function setup() { return __ITER; }
export default function () {}`, nil)
	if r.code != ExitScriptException {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptException, r.stderr)
	}
	if !strings.Contains(r.stderr, "ReferenceError: __ITER is not defined") {
		t.Errorf("want a ReferenceError:\n%s", r.stderr)
	}
}

// An iteration that exec.test.abort() ends counts in iterations, as in k6.
func TestAbortedIterationCounts(t *testing.T) {
	r := runScript(t, `import exec from 'k6/execution';
export const options = { iterations: 5 };
export default function () { if (__ITER === 2) exec.test.abort('enough'); }`, nil)
	if r.code != ExitScriptAborted {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptAborted, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 3 {
		t.Errorf("iterations %d, want 3 (two whole and the aborted one)", n)
	}
}

// minIterationDuration paces iterations end to end.
func TestMinIterationDurationRun(t *testing.T) {
	start := time.Now()
	r := runScript(t, `export const options = { iterations: 3, minIterationDuration: '1s' };
export default function () {}`, nil)
	took := time.Since(start)
	if r.code != ExitOK || summaryCount(t, r.stdout, "iterations") != 3 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if took < 2900*time.Millisecond || took > 15*time.Second {
		t.Errorf("took %s, want about 3s", took)
	}
}
