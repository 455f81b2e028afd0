package js_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6mod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/timersmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/loader"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// loopVU is a VU for src, ready to run iterations, with its log and samples at hand.
type loopVU struct {
	*js.VU
	log     *bytes.Buffer
	samples chan metrics.SampleContainer
	failed  *metrics.Metric
}

func newLoopVU(t *testing.T, src string) *loopVU {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle, err := loader.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	bm, _ := builtin.Register(reg)
	var buf bytes.Buffer
	samples := make(chan metrics.SampleContainer, 1<<12)
	mods := map[string]modules.Module{"k6": k6mod.New(), timersmod.ImportPath: timersmod.New()}
	r, err := js.NewRunner(bundle, mods, reg, bm, nil, slog.New(slog.NewTextHandler(&buf, nil)), samples)
	if err != nil {
		t.Fatal(err)
	}
	vu, err := r.NewVU(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vu.Discard)
	if err := vu.Activate(metrics.NewTagSet(map[string]string{"scenario": "default"}), ""); err != nil {
		t.Fatal(err)
	}
	return &loopVU{VU: vu, log: &buf, samples: samples, failed: bm.IterationFailed}
}

// failures is how many iterations so far were counted as failed, out of how many.
func (v *loopVU) failures() (failed, total int) {
	for {
		select {
		case c := <-v.samples:
			for _, s := range c.GetSamples() {
				if s.Metric == v.failed {
					total++
					if s.Value == 1 {
						failed++
					}
				}
			}
		default:
			return failed, total
		}
	}
}

// global reads a global the script set, as JSON.
func (v *loopVU) global(t *testing.T, name string) string {
	t.Helper()
	val := v.Runtime().Get(name)
	if val == nil {
		return "undefined"
	}
	b, err := val.ToObject(v.Runtime()).MarshalJSON()
	if err != nil {
		return val.String()
	}
	return string(b)
}

// Issue 10, section 1 and 2: async iterations, unhandled rejections and timers behave as in
// k6. Each case runs a few iterations of one script in one VU.
func TestEventLoopIterations(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		iters  int
		errMsg string // the exception each iteration ends with ("" for none)
		global string // name of a global to check after the iterations
		want   string // its JSON
		minDur time.Duration
	}{
		{name: "an exception after await is an unhandled rejection",
			src:   `export default async function () { await null; throw new Error('rejected in async iteration'); }`,
			iters: 2, errMsg: "Uncaught (in promise) Error: rejected in async iteration"},
		{name: "an async function that throws before any await",
			src:   `export default async function () { throw new Error('at once'); }`,
			iters: 2, errMsg: "Uncaught (in promise) Error: at once"},
		{name: "a floating Promise.reject()",
			src:   `export default function () { Promise.reject(new Error('floating')); }`,
			iters: 2, errMsg: "Uncaught (in promise) Error: floating"},
		{name: "a floating Promise.reject() with no reason",
			src:   `export default function () { Promise.reject(); }`,
			iters: 1, errMsg: "Uncaught (in promise) undefined"},
		{name: "a rejection with an object that is no Error",
			src:   `export default async function () { await null; Promise.reject({ code: 1 }); }`,
			iters: 1, errMsg: "Uncaught (in promise) [object Object]"},
		{name: "a rejection with a value that cannot be shown",
			src:   `export default function () { Promise.reject({ toString() { throw new Error('no'); }, get stack() { throw new Error('no'); } }); }`,
			iters: 1, errMsg: "Uncaught (in promise) (a value whose toString() throws)"},
		{name: "a rejection handled in the same task is no error",
			src: `globalThis.caught = 0;
export default async function () { const p = Promise.reject(new Error('x')); await null; await p.catch(() => caught++); }`,
			iters: 3, global: "caught", want: "3"},
		{name: "the iteration awaits its promise",
			src: `globalThis.steps = [];
export default async function () { steps.push(1); await null; steps.push(2); await Promise.resolve(); steps.push(3); }`,
			iters: 2, global: "steps", want: "[1,2,3,1,2,3]"},
		{name: "the iteration waits for its timers, in order of due time",
			src: `globalThis.order = [];
export default function () {
  setTimeout(() => order.push('b'), 60);
  setTimeout((x, y) => order.push(x + y), 30, 'a', '!');
  setTimeout(() => order.push('c'), 60);
}`,
			iters: 1, global: "order", want: `["a!","b","c"]`, minDur: 60 * time.Millisecond},
		{name: "an awaited timeout",
			src: `globalThis.done = 0;
export default async function () { await new Promise((r) => setTimeout(r, 50)); done++; }`,
			iters: 2, global: "done", want: "2", minDur: 100 * time.Millisecond},
		{name: "an interval runs until cleared",
			src: `globalThis.ticks = 0;
export default function () { let n = 0; const id = setInterval(() => { ticks++; if (++n === 3) clearInterval(id); }, 5); }`,
			iters: 2, global: "ticks", want: "6"},
		{name: "a cleared timeout never runs and does not hold the iteration",
			src: `globalThis.ran = 0;
export default function () { const id = setTimeout(() => ran++, 5000); clearTimeout(id); clearTimeout(id); clearTimeout(undefined); clearInterval(12345); }`,
			iters: 2, global: "ran", want: "0"},
		{name: "timers from k6/timers are the same",
			src: `import { setTimeout as st, clearTimeout as ct, setInterval as si, clearInterval as ci } from 'k6/timers';
globalThis.fired = 0;
export default function () { st(() => fired++, 1); const i = si(() => { fired++; ci(i); }, 1); ct(st(() => { fired += 100; }, 1)); }`,
			iters: 2, global: "fired", want: "4"},
		{name: "an exception in a timer callback ends the iteration",
			src:   `export default function () { setTimeout(() => { throw new Error('from timer'); }, 5); }`,
			iters: 2, errMsg: "Error: from timer"},
		{name: "timers left by a failed iteration do not run in the next",
			src: `globalThis.late = 0;
export default function () { setTimeout(() => late++, 30); throw new Error('early'); }`,
			iters: 2, errMsg: "Error: early", global: "late", want: "0"},
		{name: "a promise that can never settle ends the iteration",
			src:   `export default async function () { await new Promise(() => {}); }`,
			iters: 2},
		{name: "group refuses an async callback",
			src: `import { group } from 'k6';
export default function () { group('g', async () => {}); }`,
			iters: 1, errMsg: "group() does not support async functions as arguments"},
		{name: "group takes a plain callback",
			src: `import { group } from 'k6';
globalThis.inside = 0;
export default function () { group('g', () => { inside++; }); }`,
			iters: 2, global: "inside", want: "2"},
		{name: "setTimeout needs a function",
			src:   `export default function () { setTimeout('1 + 1', 5); }`,
			iters: 1, errMsg: "TypeError: setTimeout(): the first argument must be a function"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vu := newLoopVU(t, c.src)
			start := time.Now()
			for i := range c.iters {
				err := vu.Iteration(context.Background(), "default")
				if c.errMsg == "" && err != nil {
					t.Fatalf("iteration %d: %v", i, err)
				}
				if c.errMsg != "" && (err == nil || !strings.Contains(err.Error(), c.errMsg)) {
					t.Fatalf("iteration %d: error %v, want one with %q", i, err, c.errMsg)
				}
			}
			if d := time.Since(start); d < c.minDur {
				t.Errorf("the iterations took %s: they did not wait for their timers (%s at least)", d, c.minDur)
			}
			failed, total := vu.failures()
			wantFailed := 0
			if c.errMsg != "" {
				wantFailed = c.iters
				if got := strings.Count(vu.log.String(), c.errMsg); got != 1 {
					// Repeats within 10 s are rate-limited: one line for all of them.
					t.Errorf("the exception was logged %d times, want once:\n%s", got, vu.log)
				}
			}
			if failed != wantFailed || total != c.iters {
				t.Errorf("iteration_failed %d of %d, want %d of %d", failed, total, wantFailed, c.iters)
			}
			if c.global != "" {
				if got := vu.global(t, c.global); got != c.want {
					t.Errorf("%s = %s, want %s", c.global, got, c.want)
				}
			}
		})
	}
}

// The unhandled rejection is logged with where the script threw it, like a thrown exception:
// column 26, where `new Error` starts, as k6 counts.
func TestUnhandledRejectionShowsTheScriptsFrames(t *testing.T) {
	vu := newLoopVU(t, `function inner() { throw new Error('deep'); }
export default async function () { await null; inner(); }`)
	err := vu.Iteration(context.Background(), "default")
	var se *js.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v, want a script error", err, err)
	}
	if se.Text != "Uncaught (in promise) Error: deep" || !strings.HasPrefix(se.Where, "inner (") || !strings.HasSuffix(se.Where, "script.js:1:26)") {
		t.Fatalf("text %q where %q", se.Text, se.Where)
	}
	if strings.Contains(se.Stack, "(5)") || strings.Contains(se.Stack, "native") {
		t.Fatalf("the stack shows engine details:\n%s", se.Stack)
	}
}

// setup, teardown and handleSummary may be async: the value their promise fulfils with is
// what the host gets.
func TestCallAwaitsTheReturnedPromise(t *testing.T) {
	vu := newLoopVU(t, `export async function setup() { await null; return { ok: true }; }
export async function later() { await new Promise((r) => setTimeout(r, 20)); return 'late'; }
export async function bad() { await null; throw new Error('in setup'); }
export default function () {}`)
	v, err := vu.Call(context.Background(), "setup")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := v.ToObject(vu.Runtime()).MarshalJSON(); string(b) != `{"ok":true}` {
		t.Fatalf("setup() gave %s, want {\"ok\":true}", b)
	}
	if v, err := vu.Call(context.Background(), "later"); err != nil || v.String() != "late" {
		t.Fatalf("later() gave %v, %v", v, err)
	}
	if _, err := vu.Call(context.Background(), "bad"); err == nil || !strings.Contains(err.Error(), "Uncaught (in promise) Error: in setup") {
		t.Fatalf("bad() gave %v", err)
	}
}

// A hard stop ends an iteration that waits in the event loop: for a timer far off, for an
// interval never cleared, or for a promise a timer would settle.
func TestHardStopInterruptsAnIterationWaitingInTheLoop(t *testing.T) {
	for _, src := range []string{
		`export default function () { setTimeout(() => {}, 600000); }`,
		`export default function () { setInterval(() => {}, 10); }`,
		`export default async function () { await new Promise((r) => setTimeout(r, 600000)); }`,
	} {
		vu := newLoopVU(t, src)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := vu.Iteration(ctx, "default")
		cancel()
		if !errors.Is(err, js.ErrInterrupted) {
			t.Errorf("%s: error %v, want an interruption", src, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: the stop took %s", src, d)
		}
		if failed, total := vu.failures(); failed != 0 || total != 0 {
			t.Errorf("%s: an interrupted iteration was counted (%d failed of %d)", src, failed, total)
		}
		// The VU is usable again, with nothing left over from the interrupted iteration.
		if vu.EventLoop().Pending() != 0 {
			t.Errorf("%s: %d timers left after the stop", src, vu.EventLoop().Pending())
		}
	}
}

// Timers set by the init code run before init is over; an unhandled rejection there is an
// init error.
func TestInitCodeRunsItsTimers(t *testing.T) {
	vu := newLoopVU(t, `globalThis.ready = false;
setTimeout(() => { ready = true; }, 10);
export default function () {}`)
	if got := vu.global(t, "ready"); got != "true" {
		t.Fatalf("ready = %s after init", got)
	}
	path := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(path, []byte(`Promise.reject(new Error('in init'));
export default function () {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle, err := loader.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	bm, _ := builtin.Register(reg)
	r, err := js.NewRunner(bundle, nil, reg, bm, nil, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.NewVU(1); !errors.Is(err, js.ErrInit) || !strings.Contains(err.Error(), "Uncaught (in promise) Error: in init") {
		t.Fatalf("NewVU: %v", err)
	}
}
