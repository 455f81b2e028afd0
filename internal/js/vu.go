package js

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/eventloop"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/timersmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webglobals"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// VU is one virtual user: a runtime that has run the script's init code.
type VU struct {
	ID     uint64
	runner *Runner
	rt     *sobek.Runtime
	loop   *eventloop.Loop

	lifetime context.Context
	discard  context.CancelFunc
	ctx      context.Context // the current run's; lifetime while idle

	initEnv   *modules.InitEnvironment
	state     *modules.State
	exports   *sobek.Object
	fns       map[string]sobek.Callable // exported functions, by name
	instances map[string]*sobek.Object
	iteration int64
	setupData sobek.Value
	setupJSON string

	// selfInterrupted says the last Call was ended by an interrupt the script raised itself
	// (exec.test.abort()), not by its context.
	selfInterrupted bool

	// For k6/execution: the scenario this VU runs for, and its iteration numbers there.
	scenario       execution.ScenarioInfo
	scenarioIter   int64 // scenario-wide number of the current iteration
	iterInScenario int64 // this VU's iterations in the scenario
}

var _ execution.ScenarioAware = (*VU)(nil)

// SetScenario implements execution.ScenarioAware.
func (vu *VU) SetScenario(info execution.ScenarioInfo) {
	if len(info.Env) > 0 || len(vu.scenario.Env) > 0 {
		env := vu.rt.NewObject()
		for k, v := range vu.runner.Env {
			_ = env.Set(k, v)
		}
		for k, v := range info.Env {
			_ = env.Set(k, v)
		}
		_ = vu.rt.Set("__ENV", env)
	}
	vu.scenario = info
	vu.iterInScenario = -1
	vu.scenarioIter = -1
}

// ExecState is the VU's side of k6/execution.
type ExecState struct {
	VUID                    uint64
	IterationInInstance     int64
	IterationInScenario     int64
	ScenarioIterationInTest int64
	Scenario                execution.ScenarioInfo
}

// Exec returns what k6/execution shows of this VU now.
func (vu *VU) Exec() ExecState {
	return ExecState{VUID: vu.ID, IterationInInstance: vu.iteration - 1, IterationInScenario: vu.iterInScenario,
		ScenarioIterationInTest: vu.scenarioIter, Scenario: vu.scenario}
}

// Runner returns the runner that made the VU.
func (vu *VU) Runner() *Runner { return vu.runner }

var _ modules.VU = (*VU)(nil)

// Context implements modules.VU.
func (vu *VU) Context() context.Context { return vu.ctx }

// Lifetime implements modules.VU.
func (vu *VU) Lifetime() context.Context { return vu.lifetime }

// Runtime implements modules.VU.
func (vu *VU) Runtime() *sobek.Runtime { return vu.rt }

// EventLoop is the VU's event loop (timers, promises); modules that queue work use it.
func (vu *VU) EventLoop() *eventloop.Loop { return vu.loop }

// InitEnv implements modules.VU.
func (vu *VU) InitEnv() *modules.InitEnvironment { return vu.initEnv }

// State implements modules.VU.
func (vu *VU) State() *modules.State { return vu.state }

// Discard ends the VU: module instances release what they hold. Idempotent.
func (vu *VU) Discard() { vu.discard() }

// Exports returns the script's exports (module.exports).
func (vu *VU) Exports() *sobek.Object { return vu.exports }

// HasExport reports whether the script exports a function called name.
func (vu *VU) HasExport(name string) bool {
	_, ok := sobek.AssertFunction(vu.exports.Get(name))
	return ok
}

// ExportedOptions returns the script's `options` export as JSON ("" when there is none).
func (vu *VU) ExportedOptions() ([]byte, error) {
	v := vu.exports.Get("options")
	if isNullish(v) {
		return nil, nil
	}
	b, err := json.Marshal(v.Export())
	if err != nil {
		return nil, fmt.Errorf("the exported options cannot be read: %w", err)
	}
	return b, nil
}

func isNullish(v sobek.Value) bool { return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) }

func (vu *VU) setGlobals() error {
	rt := vu.rt
	g := rt.GlobalObject()
	module := rt.NewObject()
	exports := rt.NewObject()
	_ = module.Set("exports", exports)
	env := rt.NewObject()
	for k, v := range vu.runner.Env {
		_ = env.Set(k, v)
	}
	for name, val := range map[string]any{
		"module": module, "exports": exports, "require": vu.require, "open": vu.open,
		"__ENV": env, "__VU": vu.ID, "console": vu.console(),
	} {
		if err := g.Set(name, val); err != nil {
			return fmt.Errorf("setting the global %s: %w", name, err)
		}
	}
	// The timers are globals in k6 too, besides being importable from k6/timers.
	for name, val := range timersmod.Functions(rt, vu.loop) {
		if err := g.Set(name, val); err != nil {
			return fmt.Errorf("setting the global %s: %w", name, err)
		}
	}
	// TextEncoder, TextDecoder, crypto and structuredClone are globals in k6 as in browsers.
	return webglobals.Install(rt)
}

// require serves the host's modules, one instance per VU and module.
func (vu *VU) require(name string) *sobek.Object {
	if o, ok := vu.instances[name]; ok {
		return o
	}
	m, ok := vu.runner.Modules[name]
	if !ok {
		panic(vu.rt.NewGoError(fmt.Errorf("unknown module %q: the modules here are %s", name, strings.Join(vu.runner.moduleNames(), ", "))))
	}
	if vu.initEnv == nil {
		panic(vu.rt.NewGoError(fmt.Errorf("module %q can only be imported at the top of the script (init context)", name)))
	}
	ex := m.NewModuleInstance(vu).Exports()
	o := vu.rt.NewObject()
	for k, v := range ex.Named {
		_ = o.Set(k, v)
	}
	if ex.Default != nil {
		_ = o.Set("default", ex.Default)
	} else {
		_ = o.Set("default", o)
	}
	_ = o.Set("__esModule", true)
	vu.instances[name] = o
	return o
}

// open reads a file in the init context, as text or, with "b", as an ArrayBuffer.
func (vu *VU) open(path string, mode sobek.Value) sobek.Value {
	if vu.initEnv == nil {
		panic(vu.rt.NewGoError(errors.New("open() can only be called in the init context (at the top of the script)")))
	}
	b, err := vu.initEnv.ReadFile(path)
	if err != nil {
		panic(vu.rt.NewGoError(err))
	}
	if !isNullish(mode) && mode.String() == "b" {
		return vu.rt.ToValue(vu.rt.NewArrayBuffer(b))
	}
	return vu.rt.ToValue(string(b))
}

func (vu *VU) console() *sobek.Object {
	o := vu.rt.NewObject()
	logAt := func(level slog.Level) func(sobek.FunctionCall) sobek.Value {
		return func(call sobek.FunctionCall) sobek.Value {
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				parts[i] = consoleText(vu.rt, a)
			}
			if cl := vu.runner.ConsoleLogger; cl != nil { // --console-output
				cl.Log(context.Background(), level, strings.Join(parts, " "))
				return sobek.Undefined()
			}
			vu.runner.Logger.Log(context.Background(), level, strings.Join(parts, " "), "source", "console")
			return sobek.Undefined()
		}
	}
	_ = o.Set("log", logAt(slog.LevelInfo))
	_ = o.Set("info", logAt(slog.LevelInfo))
	_ = o.Set("debug", logAt(slog.LevelDebug))
	_ = o.Set("warn", logAt(slog.LevelWarn))
	_ = o.Set("error", logAt(slog.LevelError))
	return o
}

// runProtected runs f and turns a JS exception, a stack overflow, an interrupt or a Go
// panic into an error (with the script's stack), so nothing a script does can crash the
// process.
func (vu *VU) runProtected(f func() (sobek.Value, error)) (v sobek.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	v, err = f()
	if err != nil {
		// Apart, since the targets of errors.As escape: a call that succeeds allocates none.
		err = scriptErrorOf(err)
	}
	return v, err
}

// scriptErrorOf turns the errors of running script code into a ScriptError.
func scriptErrorOf(err error) error {
	var ex *sobek.Exception
	var so *sobek.StackOverflowError
	var ur *eventloop.UnhandledRejection
	switch {
	case errors.As(err, &so):
		// sobek's limit is an uncatchable error; scripts and users know it as the RangeError
		// every JS engine throws, so it is reported as one, counted like any exception.
		return newScriptError("RangeError: Maximum call stack size exceeded", so.Stack())
	case errors.As(err, &ex):
		return newScriptError(ex.Value().String(), ex.Stack())
	case errors.As(err, &ur):
		return rejectionError(ur)
	}
	return err
}

// rejectionError is an unhandled rejection as k6 logs it ("Uncaught (in promise) Error: x"),
// with the script frames of the rejected error's stack when it is an Error.
func rejectionError(ur *eventloop.UnhandledRejection) *ScriptError {
	var lines []string
	hidden := 0
	func() {
		// A script's own "stack" getter may throw: the error is then shown without frames.
		defer func() { _ = recover() }()
		lines, hidden = rejectionFrames(ur.Reason)
	}()
	return buildScriptError(ur.Error(), lines, hidden)
}

// rejectionFrames reads the script frames from an Error's stack text.
func rejectionFrames(reason sobek.Value) (lines []string, hidden int) {
	if o, ok := reason.(*sobek.Object); ok {
		if sv := o.Get("stack"); sv != nil {
			st, _ := sv.Export().(string)
			for _, l := range strings.Split(st, "\n") {
				f, ok := strings.CutPrefix(l, "\tat ")
				if !ok || f == "native" || strings.HasSuffix(f, "(native)") {
					continue
				}
				if len(lines) == maxShownFrames {
					hidden++
					continue
				}
				lines = append(lines, unmangleFrame(stripPC(f)))
			}
		}
	}
	return lines, hidden
}

// stripPC drops the bytecode offset sobek writes after a frame's column: "f (a.js:1:2(5))"
// is "f (a.js:1:2)", as in the frames of a thrown exception.
func stripPC(f string) string {
	end := len(f)
	closing := strings.HasSuffix(f, "))")
	if closing {
		end--
	}
	i := strings.LastIndexByte(f[:end], '(')
	if i < 0 || !strings.HasSuffix(f[:end], ")") || end-i < 3 {
		return f
	}
	for _, c := range f[i+1 : end-1] {
		if c < '0' || c > '9' {
			return f
		}
	}
	return f[:i] + f[end:]
}

// MaxCallStackSize bounds JS call depth in every VU. Real scripts stay within a few hundred
// frames; a runaway recursion hits this long before it holds much memory (each frame costs a
// few hundred bytes, so about 10 MB at the limit instead of growing without bound).
const MaxCallStackSize = 10000

// maxShownFrames keeps a deep stack (a recursion) from flooding the log.
const maxShownFrames = 20

// ScriptError is an exception the script threw, with its stack in the script's own lines.
// Frames of the host's Go functions are left out: they mean nothing to a script's author.
type ScriptError struct {
	// Msg is the exception's text followed by where the script threw it: "Error: boom at
	// f (script.js:3:9)".
	Msg string
	// Text is the exception's own text; Where the script's innermost frame ("" when none).
	Text, Where string
	// Stack is Text and then one line per script frame.
	Stack string
}

func (e *ScriptError) Error() string { return e.Stack }

// Line is the exception on one line: the first line of its text and where it was thrown.
func (e *ScriptError) Line() string {
	s := e.Text
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if e.Where != "" {
		s += " at " + e.Where
	}
	return s
}

func newScriptError(text string, frames []sobek.StackFrame) *ScriptError {
	var lines []string
	hidden := 0
	for i := range frames {
		f := &frames[i]
		if f.SrcName() == "<native>" {
			continue
		}
		if len(lines) == maxShownFrames {
			hidden++
			continue
		}
		lines = append(lines, frameText(f))
	}
	return buildScriptError(text, lines, hidden)
}

// buildScriptError is the exception text with its script frames, innermost first.
func buildScriptError(text string, lines []string, hidden int) *ScriptError {
	e := &ScriptError{Text: text, Msg: text}
	if len(lines) > 0 {
		e.Where = lines[0]
		e.Msg += " at " + e.Where
	}
	var b strings.Builder
	b.WriteString(text)
	for _, l := range lines {
		b.WriteString("\n\tat ")
		b.WriteString(l)
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "\n\t... %d more frames", hidden)
	}
	e.Stack = b.String()
	return e
}

// frameText is "fn (file:line:col)", or "file:line:col" for top-level code.
func frameText(f *sobek.StackFrame) string {
	p := f.Position()
	loc := fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
	if p.Filename == "" {
		loc = fmt.Sprintf("%s:%d:%d", f.SrcName(), p.Line, p.Column)
	}
	if n := f.FuncName(); n != "" && n != "<anonymous>" {
		return unmangleFrame(n + " (" + loc + ")")
	}
	return loc
}

// ErrInterrupted is returned when a run is stopped hard while the script runs.
var ErrInterrupted = execution.ErrInterrupted

// Activate prepares the VU to run for a scenario: its tags, and the setup data as this VU's
// own copy.
func (vu *VU) Activate(tags *metrics.TagSet, setupJSON string) error {
	vu.state = &modules.State{VUID: vu.ID, Iteration: vu.iteration, Tags: tags, Samples: vu.runner.Samples, Logger: vu.runner.Logger}
	if setupJSON != vu.setupJSON || vu.setupData == nil {
		vu.setupJSON = setupJSON
		vu.setupData = sobek.Undefined()
		if setupJSON != "" {
			var data any
			if err := json.Unmarshal([]byte(setupJSON), &data); err != nil {
				return fmt.Errorf("setup data: %w", err)
			}
			vu.setupData = vu.rt.ToValue(data)
		}
	}
	return nil
}

// Call runs the exported function name with args under ctx: a cancelled ctx interrupts the
// script, including while it waits in the event loop. It returns the function's value or,
// when that is a promise, what the promise fulfilled with: the call ends once the promise
// has settled and the tasks the call queued (timers, promise jobs) have run. A rejected
// promise, or any other promise rejected without a handler, is the call's exception.
func (vu *VU) Call(ctx context.Context, name string, args ...sobek.Value) (sobek.Value, error) {
	fn, err := vu.exported(name)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	vu.ctx = ctx
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { vu.rt.Interrupt(ErrInterrupted); close(fired) })
	v, err := vu.runProtected(func() (sobek.Value, error) {
		v, err := fn(sobek.Undefined(), args...)
		if err != nil {
			return nil, err
		}
		return vu.loop.Await(ctx, v)
	})
	if err != nil {
		// What the call left queued belongs to it: the next call starts with none.
		vu.loop.Reset()
		if errors.Is(err, eventloop.ErrPendingForever) {
			// Nothing is left that could settle the promise: waiting would hang the VU for
			// good, so the call ends here, with no value.
			v, err = sobek.Undefined(), nil
		} else if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			err = ErrInterrupted
		}
	}
	if !stop() {
		// The interrupt is being delivered, perhaps after the function returned: wait for it,
		// so clearing it below cannot come first and leave it set for the VU's next call.
		<-fired
	}
	// Also clears an interrupt the script raised itself (test.abort) that never fired.
	vu.rt.ClearInterrupt()
	vu.ctx = vu.lifetime
	vu.selfInterrupted = false
	if err != nil { // errors.As's target escapes: an allocation per call otherwise
		var ie *sobek.InterruptedError
		vu.selfInterrupted = errors.As(err, &ie) && ie.Value() != ErrInterrupted
	}
	if err != nil && isInterrupt(err) {
		err = ErrInterrupted
	}
	return v, err
}

func isInterrupt(err error) bool {
	var ie *sobek.InterruptedError
	return errors.As(err, &ie)
}

// exported returns the script's exported function name, looked up once (the exports do not
// change after init) and under the VU's protection, like everything that touches the runtime.
func (vu *VU) exported(name string) (sobek.Callable, error) {
	if fn, ok := vu.fns[name]; ok {
		return fn, nil
	}
	var fn sobek.Callable
	var ok bool
	if _, err := vu.runProtected(func() (sobek.Value, error) {
		fn, ok = sobek.AssertFunction(vu.exports.Get(name))
		return nil, nil
	}); err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("the script exports no function %q", name)
	}
	if vu.fns == nil {
		vu.fns = map[string]sobek.Callable{}
	}
	vu.fns[name] = fn
	return fn, nil
}

// Iteration runs one iteration of the exported function exec and measures it. It returns
// the script's exception, if any; ErrInterrupted when ctx stopped it (not counted).
func (vu *VU) Iteration(ctx context.Context, exec string) error {
	rt := vu.rt
	st := vu.state
	st.Iteration = vu.iteration
	_ = rt.Set("__ITER", vu.iteration)
	vu.iteration++
	vu.iterInScenario++
	if vu.scenario.NextIteration != nil {
		vu.scenarioIter = vu.scenario.NextIteration()
	}
	start := time.Now()
	_, err := vu.Call(ctx, exec, vu.setupData)
	if errors.Is(err, ErrInterrupted) {
		if vu.selfInterrupted {
			// exec.test.abort() ended it: as in k6, it ran in full up to the abort and counts
			// in iterations and iteration_duration; the executor counts it as interrupted.
			vu.pushIteration(start, time.Now(), 0)
		}
		return err
	}
	if err != nil && ctx.Err() != nil {
		// A call the stop cut short (a query's "context canceled") is an interruption,
		// not the script's fault.
		return ErrInterrupted
	}
	end := time.Now()
	failed := 0.0
	if err != nil {
		failed = 1
		vu.runner.reportException(err, vu.ID, st.Iteration)
	}
	vu.pushIteration(start, end, failed)
	return err
}

// pushIteration records one iteration that ran from start to end.
func (vu *VU) pushIteration(start, end time.Time, failed float64) {
	st := vu.state
	bm := vu.runner.Builtin
	metrics.PushIfNotDone(vu.lifetime, st.Samples, metrics.Samples{
		{Metric: bm.IterationDuration, Tags: st.Tags, Time: end, Value: float64(end.Sub(start)) / float64(time.Millisecond), Metadata: st.Metadata},
		{Metric: bm.Iterations, Tags: st.Tags, Time: end, Value: 1, Metadata: st.Metadata},
		{Metric: bm.IterationFailed, Tags: st.Tags, Time: end, Value: failed, Metadata: st.Metadata},
	})
}
