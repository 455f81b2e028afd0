package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// Issue 10, section 1: an exception after an await is logged and counted, as in k6.
func TestAsyncIterationExceptionIsLoggedAndCounted(t *testing.T) {
	for _, c := range []struct{ name, fn, msg string }{
		{"throw after await", `async function () { await null; throw new Error('rejected in async iteration'); }`,
			"Uncaught (in promise) Error: rejected in async iteration"},
		{"floating Promise.reject", `function () { Promise.reject(new Error('nobody handles this')); }`,
			"Uncaught (in promise) Error: nobody handles this"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := `export const options = { iterations: 2 };
export default ` + c.fn
			r, _ := runBounded(t, src, nil, nil, time.Minute, false)
			if r.code != ExitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			assertNoGoInternals(t, r)
			if !strings.Contains(r.stderr, c.msg) {
				t.Fatalf("the log should say %q:\n%s", c.msg, r.stderr)
			}
			if !strings.Contains(r.stdout, "iteration_failed") || !strings.Contains(r.stdout, "100.00% 2 out of 2") {
				t.Fatalf("iteration_failed should be 2 of 2:\n%s", r.stdout)
			}
			if !strings.Contains(r.stdout, "2 × "+c.msg+" at ") {
				t.Fatalf("the exception table should count both, with where they were thrown:\n%s", r.stdout)
			}
		})
	}
}

// setup, default, teardown and handleSummary may all be async; what their promises fulfil
// with is used, and timers set in them run before they are over.
func TestAsyncLifecycleFunctionsAreAwaited(t *testing.T) {
	src := `import { setTimeout as later } from 'k6/timers';
export const options = { iterations: 3 };
const sleepMs = (ms) => new Promise((r) => later(r, ms));
export async function setup() { await null; await sleepMs(10); return { ok: true }; }
export default async function (data) {
  if (data.ok !== true) throw new Error('setup data: ' + JSON.stringify(data));
  await sleepMs(20);
  let n = 0;
  const id = setInterval(() => { if (++n === 2) { clearInterval(id); console.log('interval done in iteration ' + __ITER); } }, 5);
}
export async function teardown(data) { await sleepMs(10); console.log('teardown got ' + JSON.stringify(data)); }
export async function handleSummary(d) {
  await sleepMs(10);
  return { stdout: 'ASYNC SUMMARY iterations=' + d.metrics.iterations.values.count + '\n' };
}`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "setup data") || strings.Count(r.stderr, "interval done in iteration") != 3 {
		t.Fatalf("every iteration should get setup's data and finish its interval:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, `teardown got {\"ok\":true}`) && !strings.Contains(r.stderr, `teardown got {"ok":true}`) {
		t.Fatalf("teardown should get setup's data:\n%s", r.stderr)
	}
	if r.stdout != "ASYNC SUMMARY iterations=3\n" {
		t.Fatalf("stdout should be handleSummary's awaited value:\n%s", r.stdout)
	}
}

// group() refuses an async function with k6's message; the iteration fails, the run goes on.
func TestGroupRefusesAnAsyncFunction(t *testing.T) {
	src := `import { group } from 'k6';
export const options = { iterations: 2 };
export default function () { group('g', async function () { await null; }); }`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "group() does not support async functions as arguments") ||
		!strings.Contains(r.stdout, "100.00% 2 out of 2") {
		t.Fatalf("want k6's error and 2 of 2 failed:\n%s\n%s", r.stdout, r.stderr)
	}
}

// A timer callback's exception counts like any other.
func TestTimerCallbackExceptionIsCounted(t *testing.T) {
	src := `export const options = { iterations: 4 };
export default function () { setTimeout(() => { if (__ITER % 2 === 0) throw new Error('timer failed'); }, 5); }`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "50.00% 2 out of 4") || !strings.Contains(r.stdout, "2 × Error: timer failed at ") {
		t.Fatalf("want 2 of 4 iterations failed by the timer's exception:\n%s", r.stdout)
	}
}

// The end of the scenario plus its gracefulStop interrupts an iteration that waits in the
// event loop (an interval never cleared): the run ends, it does not hang.
func TestGracefulStopInterruptsAnIterationWaitingOnTimers(t *testing.T) {
	src := `export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '1s' } } };
export default function () { let first = true; setInterval(() => { if (first) { first = false; console.log('tick'); } }, 20); }
export function teardown() { console.log('teardown ran'); }`
	r, took := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	assertNoGoInternals(t, r)
	if took > 30*time.Second {
		t.Fatalf("the run took %s: the stop did not end the waiting iterations", took)
	}
	// The iterations waited for their interval until the hard stop (1s + gracefulStop 1s).
	if took < 1500*time.Millisecond || !strings.Contains(r.stderr, "tick") || strings.Contains(r.stderr, "is not defined") {
		t.Fatalf("the iterations should run their interval until the stop (the run took %s):\n%s", took, r.stderr)
	}
	if !strings.Contains(r.stderr, "teardown ran") {
		t.Fatalf("teardown should run after the interrupted iterations:\n%s", r.stderr)
	}
}

// Ctrl-C stops at once an iteration waiting for a far timer: as in k6 v2 the first press
// already interrupts running iterations, and the second finds nothing left to wait for.
func TestSecondCtrlCInterruptsPendingTimers(t *testing.T) {
	src := `export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '10m', gracefulStop: '10m' } } };
export default async function () { await new Promise((r) => setTimeout(r, 600000)); }`
	r, took := runBounded(t, src, nil, nil, time.Minute, false, 1500*time.Millisecond, 2500*time.Millisecond)
	if r.code != ExitExternalAbort {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitExternalAbort, r.stderr)
	}
	if took > 30*time.Second {
		t.Fatalf("the run took %s after two Ctrl-C", took)
	}
	if took < 1400*time.Millisecond || strings.Contains(r.stderr, "is not defined") {
		t.Fatalf("the iteration should wait for its timer until the first Ctrl-C (the run took %s):\n%s", took, r.stderr)
	}
	assertNoGoInternals(t, r)
}

// Module functions that block (queries) work from async code, between awaits and in timer
// callbacks.
func TestQueriesFromAsyncCode(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	src := `
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';
export const options = { iterations: 4, thresholds: { checks: ['rate==1'] } };
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });
export async function setup() { await null; return { n: db.read('RETURN 41 AS n').records[0].n }; }
export default async function (data) {
  await null;
  const r = db.read('RETURN $x + 1 AS n', { x: data.n }, { tags: { name: 'after-await' } });
  check(r, { 'after await': (r) => r.records[0].n === 42 });
  await new Promise((resolve) => setTimeout(() => {
    check(db.read('RETURN 1 AS one', {}, { tags: { name: 'in-timer' } }), { 'in timer': (r) => r.records.length === 1 });
    resolve();
  }, 5));
}`
	r, _ := runBounded(t, src, neo4jEnv(srv), nil, 2*time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "✓ after await") || !strings.Contains(r.stdout, "✓ in timer") ||
		!strings.Contains(r.stdout, "after-await") || !strings.Contains(r.stdout, "in-timer") {
		t.Fatalf("both queries should run and pass their checks:\n%s\n%s", r.stdout, r.stderr)
	}
}
