package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// runBounded runs a script in-process with signals sent at the given times (each is
// SIGINT, or SIGTERM when term is set) and fails the test if the run has not ended within
// limit, instead of hanging the suite.
func runBounded(t *testing.T, src string, env map[string]string, args []string, limit time.Duration, term bool, at ...time.Duration) (result, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if env == nil {
		env = map[string]string{}
	}
	sig := make(chan os.Signal, 4)
	var s os.Signal = syscall.SIGINT
	if term {
		s = syscall.SIGTERM
	}
	start := time.Now()
	for _, d := range at {
		time.AfterFunc(d, func() { sig <- s })
	}
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(&GlobalState{Args: append(append([]string{"xk6-neo4j", "run", "--quiet"}, args...), path), Env: env,
			Stdout: &out, Stderr: &errb, Signals: sig})
	}()
	select {
	case code := <-done:
		return result{out.String(), errb.String(), code}, time.Since(start)
	case <-time.After(limit):
		t.Fatalf("the run did not end within %s of its start (signals at %v)", limit, at)
		return result{}, 0
	}
}

func assertNoGoInternals(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "fatal error", "(native)", "github.com/"} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Errorf("output shows %q:\nstdout:\n%s\nstderr:\n%s", bad, r.stdout, r.stderr)
		}
	}
}

// Item 6: runaway recursion is a RangeError, counted like any exception, and the run goes on.
func TestInfiniteRecursionThrowsARangeErrorAndTheRunGoesOn(t *testing.T) {
	src := `export const options = { iterations: 3 };
function f() { return f() + 1; }
export default function () { if (__ITER < 2) { f(); } }`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 3 {
		t.Fatalf("iterations %d, want 3", n)
	}
	if !strings.Contains(r.stdout, "2 × RangeError: Maximum call stack size exceeded at f (") {
		t.Fatalf("want 2 RangeErrors in the summary:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "iteration_failed") || !strings.Contains(r.stdout, "2 out of 3") {
		t.Fatalf("want 2 of 3 iterations failed:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "more frames") || strings.Count(r.stderr, "\n") > 40 {
		t.Fatalf("the log should show a few frames, not the whole recursion:\n%s", r.stderr)
	}
	assertNoGoInternals(t, r)

	// In the init context too: a script exception in init (107).
	r, _ = runBounded(t, `function f() { return f() + 1; } f(); export default function () {}`, nil, nil, time.Minute, false)
	if r.code != ExitScriptException || !strings.Contains(r.stderr, "RangeError: Maximum call stack size exceeded") {
		t.Fatalf("init recursion: exit %d, want %d with a RangeError\n%s", r.code, ExitScriptException, r.stderr)
	}
}

// Item 14: exceptions thrown by Go functions show the script's frame, not the host's.
func TestExceptionsShowTheScriptsFrameNotGoFrames(t *testing.T) {
	src := `export const options = { iterations: 2 };
export default function () {
  open('missing.txt');
}`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "2 × GoError: open() can only be called in the init context") ||
		!strings.Contains(r.stdout, "script.js:3:") {
		t.Fatalf("the summary row should name the script's line:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "script.js:3:") {
		t.Fatalf("the log should name the script's line:\n%s", r.stderr)
	}
	assertNoGoInternals(t, r)
}

// Item 10: Ctrl-C or SIGTERM during init stops the run within a second, exit 105, whether
// the options VU or the VUs' parallel init is stuck.
func TestCtrlCDuringInitStopsAtOnce(t *testing.T) {
	cases := []struct {
		name string
		src  string
		term bool
	}{
		{"options VU, SIGINT", `for (;;) {} export default function () {}`, false},
		{"options VU, SIGTERM", `for (;;) {} export default function () {}`, true},
		{"VU init in parallel", `export const options = { vus: 4, iterations: 4 };
if (__VU > 0) { for (;;) {} }
export default function () {}`, false},
		{"a loop that catches", `for (;;) { try { JSON.parse('{'); } catch (e) {} } export default function () {}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, took := runBounded(t, c.src, nil, nil, 30*time.Second, c.term, 700*time.Millisecond)
			if r.code != ExitExternalAbort {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
			}
			if took > 700*time.Millisecond+3*time.Second {
				t.Fatalf("took %s after the signal at 0.7s", took)
			}
			if !strings.Contains(r.stderr, "interrupted during init") {
				t.Fatalf("want a clear line:\n%s", r.stderr)
			}
			assertNoGoInternals(t, r)
		})
	}
}

// Item 10: a connect() to a server that takes the connection and never answers is cancelled
// by the first Ctrl-C.
func TestCtrlCCancelsAConnectThatHangs(t *testing.T) {
	bh := testenv.NewBlackHole(t, "")
	src := `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect('bolt://` + bh.Addr + `', { password: 'x', connectionTimeout: '60s', connectionAcquisitionTimeout: '60s' });
export default function () {}`
	r, took := runBounded(t, src, nil, nil, 40*time.Second, false, time.Second)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
	}
	if took > time.Second+3*time.Second {
		t.Fatalf("took %s after Ctrl-C at 1s", took)
	}
	if !strings.Contains(r.stderr, "interrupted during init") {
		t.Fatalf("want a clear line:\n%s", r.stderr)
	}
}

// Item 11: Ctrl-C during teardown (the first press there, or the second of the run) stops
// it at once: exit 105, not a script exception, and nothing says teardown ran.
func TestCtrlCDuringTeardownIsAnInterruption(t *testing.T) {
	cases := []struct {
		name string
		src  string
		at   []time.Duration
	}{
		{"one press in teardown", `import { sleep } from 'k6';
export default function () {}
export function teardown() { console.log('teardown started'); sleep(60); console.log('teardown ended'); }`,
			[]time.Duration{1500 * time.Millisecond}},
		{"the second press, in teardown", `import { sleep } from 'k6';
export const options = { vus: 2, duration: '1m' };
export default function () { sleep(0.1); }
export function teardown() { console.log('teardown started'); for (;;) {} }`,
			[]time.Duration{time.Second, 2500 * time.Millisecond}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, took := runBounded(t, c.src, nil, nil, 40*time.Second, false, c.at...)
			if r.code != ExitExternalAbort {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
			}
			if last := c.at[len(c.at)-1]; took > last+4*time.Second {
				t.Fatalf("took %s after the last Ctrl-C at %s", took, last)
			}
			if !strings.Contains(r.stderr, "teardown started") || strings.Contains(r.stderr, "teardown ended") {
				t.Fatalf("teardown should have started and been stopped:\n%s", r.stderr)
			}
			for _, lie := range []string{"teardown() failed", "iteration interrupted", "ERRO"} {
				if strings.Contains(r.stderr, lie) {
					t.Fatalf("an interruption reported as %q:\n%s", lie, r.stderr)
				}
			}
			if strings.Contains(r.stdout, "teardown run") || !strings.Contains(r.stdout, "teardown interrupted") {
				t.Fatalf("the summary should say teardown was interrupted, not run:\n%s", r.stdout)
			}
		})
	}
}

// Item 11: Ctrl-C once or twice during setup: no iterations, 105, no script exception, and
// a summary (the VUs were made).
func TestCtrlCDuringSetupIsAnInterruption(t *testing.T) {
	src := `import { sleep } from 'k6';
export const options = { vus: 2, iterations: 10 };
export function setup() { console.log('setup started'); sleep(60); }
export default function () { console.log('iteration ran'); }
export function teardown() { console.log('teardown ran'); }`
	for _, at := range [][]time.Duration{{1500 * time.Millisecond}, {1500 * time.Millisecond, 1800 * time.Millisecond}} {
		r, took := runBounded(t, src, nil, nil, 40*time.Second, false, at...)
		if r.code != ExitExternalAbort {
			t.Fatalf("%d presses: exit %d, want %d\n%s", len(at), r.code, ExitExternalAbort, r.stderr)
		}
		if took > at[0]+4*time.Second {
			t.Fatalf("%d presses: took %s after the first Ctrl-C at %s", len(at), took, at[0])
		}
		if !strings.Contains(r.stderr, "setup started") || strings.Contains(r.stderr, "iteration ran") || strings.Contains(r.stderr, "teardown ran") {
			t.Fatalf("want setup started, no iteration and no teardown:\n%s", r.stderr)
		}
		if strings.Contains(r.stderr, "setup() failed") || strings.Contains(r.stderr, "ERRO") || strings.Contains(r.stdout, "teardown run") {
			t.Fatalf("an interruption reported as a failure:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "during setup()") || !strings.Contains(r.stdout, "vus_max") {
			t.Fatalf("the summary should say setup was interrupted:\n%s", r.stdout)
		}
	}
}

// Item 16: output files that cannot be written are refused before the script's init code
// runs (104), naming the flag and the path.
func TestUnwritableOutputPathsAreRefusedBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-folder", "x")
	src := `console.log('init ran'); export default function () {}`
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"summary-export", []string{"--summary-export", missing + ".json"}, nil, "--summary-export " + missing + ".json"},
		{"report", []string{"--report", missing + ".html"}, nil, "--report " + missing + ".html"},
		{"report from env", nil, map[string]string{"K6_WEB_DASHBOARD_EXPORT": missing + ".html"}, "K6_WEB_DASHBOARD_EXPORT"},
		{"json", []string{"--out", "json=" + missing + ".json"}, nil, "output json, file " + missing + ".json"},
		{"csv", []string{"-o", "csv=" + missing + ".csv"}, nil, "output csv, file " + missing + ".csv"},
		{"json from K6_OUT", nil, map[string]string{"K6_OUT": "json=" + missing}, "output json"},
		{"a folder", []string{"--summary-export", dir}, nil, dir + " is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runScript(t, src, c.env, c.args...)
			if r.code != ExitInvalidConfig {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitInvalidConfig, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "init ran") {
				t.Fatalf("want %q before init:\n%s", c.want, r.stderr)
			}
		})
	}
	// Writable paths pass and are written.
	out := filepath.Join(dir, "s.json")
	if r := runScript(t, src, nil, "--summary-export", out, "-o", "json="+filepath.Join(dir, "o.json")); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".xk6-neo4j-write-check-*")); len(left) > 0 {
		t.Fatalf("the check left files behind: %v", left)
	}
}

// Item 16: an empty script is named as such.
func TestEmptyScriptSaysSo(t *testing.T) {
	for _, src := range []string{"", "// nothing yet\n", "\n\n/* a comment */\n"} {
		r := runScript(t, src, nil)
		if r.code != ExitScriptException || !strings.Contains(r.stderr, "the script is empty: it must export a default function") ||
			strings.Contains(r.stderr, "source map") {
			t.Fatalf("%q: exit %d\n%s", src, r.code, r.stderr)
		}
	}
}

// Item 13: exceptions whose messages differ only in a timestamp and an address are one
// summary row and one log line.
func TestTimestampedExceptionsAreOneRowAndOneLogLine(t *testing.T) {
	src := `export const options = { vus: 3, iterations: 300 };
export default function () {
  throw new Error('context deadline ' + new Date(Date.now() + __ITER * 1234).toISOString() +
    ' from 127.0.0.1:' + (40000 + __VU * 100 + __ITER));
}`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "300 × Error: context deadline 20") || strings.Count(r.stdout, "× Error") != 1 {
		t.Fatalf("want one row of 300:\n%s", r.stdout)
	}
	if n := strings.Count(r.stderr, "level=error"); n != 1 {
		t.Fatalf("%d ERROR lines, want 1:\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, "299 more script exceptions suppressed") {
		t.Fatalf("want a note of the 299 held back:\n%s", r.stderr)
	}
}

// Item 17: 1 500 distinct messages make at most 1 000 rows plus "(other)", and one warning.
func TestDistinctExceptionMessagesAreCapped(t *testing.T) {
	src := `export const options = { vus: 2, iterations: 1500 };
export default function () { throw new Error('bad item ' + __ITER + ' of ' + __VU); }`
	r, _ := runBounded(t, src, nil, nil, 2*time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "× Error: bad item"); n != 1000 {
		t.Fatalf("%d rows, want 1000", n)
	}
	if !strings.Contains(r.stdout, "500 × (other): exceptions beyond the first 1000 distinct ones") {
		t.Fatalf("want an (other) row of 500")
	}
	if n := strings.Count(r.stderr, "more than 1000 distinct script exceptions"); n != 1 {
		t.Fatalf("%d warnings naming the cap, want 1", n)
	}
	if n := strings.Count(r.stderr, "level=error"); n > 1001 {
		t.Fatalf("%d ERROR lines, want at most 1001", n)
	}
}
