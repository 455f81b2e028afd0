package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/sobek"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/internal/loader"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/summary"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// testRun is one `run`: the pieces that live from init to the summary.
type testRun struct {
	gs       *GlobalState
	cfg      *runConfig
	logger   *slog.Logger
	env      map[string]string
	registry *metrics.Registry
	builtin  *builtin.Metrics
	engine   *engine.Engine
	modules  map[string]modules.Module
	runner   *js.Runner
	// neo4j is the run's k6/x/neo4j root module (nil when the module table has none): what it
	// learned of the servers and queries outlives closeModules, for the summary and outputs.
	neo4j *neo4j.RootModule
	opts  options.Options

	mu  sync.Mutex
	vus []*js.VU // every VU made, so each is discarded once at the end

	thresholdAbort atomic.Bool
	scriptAbort    atomic.Pointer[string] // test.abort()'s reason
	markedFailed   atomic.Pointer[string] // the first exec.test.fail()'s message
	abortRun       func()
	engineStart    time.Time

	// initCtx ends when Ctrl-C or SIGTERM comes before the test starts: it interrupts the
	// init code of the VUs being made (and what their modules started, a connect()).
	initCtx    context.Context
	signals    *signalWatch
	stopSignal func() // ends the signal watch when the run is over

	consoleLogger *slog.Logger  // --console-output's; nil: console.log goes to logger
	paused        atomic.Bool   // --paused and not resumed yet
	resume        chan struct{} // closed by the control API's resume
	engineStarted atomic.Bool   // the control API may judge thresholds
	lingered      bool          // --linger has waited already
}

// setThresholds reads options.thresholds and checks them against the metrics the init code
// registered; any problem is an invalid option (exit 104).
func (r *testRun) setThresholds() int {
	if r.opts.SystemTags != nil {
		st, err := metrics.ParseSystemTags(r.opts.SystemTags)
		if err != nil {
			return r.fail(ExitInvalidConfig, "%v: %v", options.ErrInvalid, err)
		}
		r.engine.SetSystemTags(st)
	}
	if r.cfg.noThresholds {
		return ExitOK // --no-thresholds: as in k6, not even parsed, so none fails or shows
	}
	ths, err := metrics.ParseThresholds(r.opts.Thresholds)
	if err == nil {
		err = r.engine.SetThresholds(ths, r.registry)
	}
	if err != nil {
		return r.fail(ExitInvalidConfig, "%v: thresholds:\n  - %s", options.ErrInvalid, strings.ReplaceAll(err.Error(), "\n", "\n  - "))
	}
	return ExitOK
}

func runCommand(gs *GlobalState, args []string) int {
	cfg, err := parseRunArgs(args)
	if err != nil {
		// k6 exits 255 for an unknown flag and for a flag's value that does not parse, 104
		// for a value that parses but is out of range.
		fmt.Fprintf(gs.Stderr, "error: %v\n\nRun 'xk6-neo4j help run' for the flags.\n", err)
		if errors.Is(err, options.ErrInvalid) {
			return ExitInvalidConfig
		}
		return ExitUsage
	}
	color := gs.StdoutTTY && !cfg.noColor && gs.Env["NO_COLOR"] == ""
	logger, consoleLogger, closeLogs, err := cfg.loggers(gs)
	if err != nil {
		fmt.Fprintf(gs.Stderr, "error: %v\n", err)
		return ExitUsage
	}
	defer closeLogs()
	env := gs.Env
	if !cfg.includeSysEnv {
		env = nil // --include-system-env-vars=false: only -e KEY=VALUE reach __ENV
	}
	r := &testRun{gs: gs, cfg: cfg, logger: logger, consoleLogger: consoleLogger, env: scriptEnv(env, cfg.env)}
	return r.lingerAfter(r.run(color))
}

// scriptEnv is what __ENV holds: the process environment plus -e KEY=VALUE.
func scriptEnv(proc map[string]string, flags []string) map[string]string {
	env := make(map[string]string, len(proc)+len(flags))
	for k, v := range proc {
		env[k] = v
	}
	for _, kv := range flags {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func (r *testRun) fail(code int, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	if r.errorsAreLogLines() {
		r.logger.Error(msg)
		return code
	}
	fmt.Fprintf(r.gs.Stderr, "error: %s\n", msg)
	return code
}

// errorsAreLogLines: where stderr is read by a program (not a terminal) and the logs go there
// as logfmt or JSON, the error that ends the command is a log line of level error, as k6
// writes it; k6-operator's initializer looks for level=error to tell a broken script.
func (r *testRun) errorsAreLogLines() bool {
	toStderr := r.cfg.logOutput == "" || r.cfg.logOutput == "stderr"
	return toStderr && !r.gs.StderrTTY && r.cfg.logFormat != "raw"
}

// load bundles the script and sets up what every run has: the registry with the built-in
// metrics, the engine (feeding consumers too), the module table and the JS runner.
func (r *testRun) load(consumers ...engine.Output) (*loader.Bundle, int) {
	bundle, err := loader.Load(r.cfg.script)
	if err != nil {
		return nil, r.fail(ExitScriptException, "%v", err)
	}
	r.registry = metrics.NewRegistry()
	if r.builtin, err = builtin.Register(r.registry); err != nil {
		return nil, r.fail(ExitRuntimeError, "%v", err)
	}
	r.engine = engine.New(1<<16, consumers...)
	r.engine.SetLogger(r.logger)
	if r.gs.Modules != nil {
		r.modules = r.gs.Modules()
	} else {
		r.modules = ModuleTable()
	}
	r.neo4j, _ = r.modules[neo4jImportPath].(*neo4j.RootModule)
	r.env = withArchiveEnv(bundle, r.env) // an archive's -e values, under the run's own
	r.runner, err = js.NewRunner(bundle, r.modules, r.registry, r.builtin, r.env, r.logger, r.engine.In())
	if err != nil {
		return nil, r.fail(ExitScriptException, "%v", err)
	}
	r.runner.ConsoleLogger = r.consoleLogger
	return bundle, ExitOK
}

// openOutputs makes and starts the --out outputs (and K6_OUT's) and hands them the samples.
func (r *testRun) openOutputs() ([]output.Output, int) {
	outs, err := r.makeOutputs(append(splitEnvList(r.gs.Env["K6_OUT"]), r.cfg.outs...))
	if err != nil {
		return nil, r.fail(ExitInvalidConfig, "%v", err)
	}
	r.serversTo(outs) // before Start: the servers known in init are the files' first lines
	if err := startOutputs(outs); err != nil {
		return nil, r.fail(ExitRuntimeError, "%v", err)
	}
	for _, o := range outs {
		r.engine.AddOutput(o)
	}
	return outs, ExitOK
}

// startEngine starts ingesting samples; the returned stop may be called more than once.
func (r *testRun) startEngine() func() {
	r.engine.Start()
	r.engineStart = time.Now()
	r.engineStarted.Store(true)
	var once sync.Once
	return func() { once.Do(r.engine.Stop) }
}

func (r *testRun) run(color bool) int {
	code := r.begin()
	defer r.stopSignal()
	if code != ExitOK {
		return code
	}
	bundle, code := r.load()
	if code != ExitOK {
		return code
	}
	defer r.engine.Close() // last: handleSummary's VU may push until finish returns
	defer r.closeModules()
	r.runner.Fail = func(msg string) { r.markedFailed.CompareAndSwap(nil, &msg) }
	r.runner.Abort = func(reason string) {
		r.scriptAbort.CompareAndSwap(nil, &reason)
		r.logger.Warn("test.abort() called: stopping the run", "reason", reason)
		if r.abortRun != nil {
			r.abortRun()
		}
	}
	defer r.discardVUs()

	// The first VU only reads the options.
	optsVU, err := r.newVU(0)
	if err != nil {
		if r.scriptAbort.Load() != nil {
			return r.fail(ExitScriptAborted, "the script aborted the test in its init code: %s", *r.scriptAbort.Load())
		}
		if r.initInterrupted(err) {
			return r.interruptedInInit()
		}
		return r.fail(ExitScriptException, "%v", err)
	}
	if code := r.resolveOptions(optsVU); code != ExitOK {
		return code
	}
	if code := r.consoleOutputOption(); code != ExitOK {
		return code
	}
	if code := r.setThresholds(); code != ExitOK {
		return code
	}
	sched, code := r.initVUs()
	if code == initAborted {
		// As k6: a later VU's init code called exec.test.abort(): exit 108, and the
		// summary (handleSummary too) still reports the run, empty as it is.
		reason := *r.scriptAbort.Load()
		r.logger.Error("the script aborted the test in its init code: " + reason)
		return r.finish(ending{exit: ExitScriptAborted, reason: "run aborted by the script (test.abort): " + reason,
			optsVU: optsVU, summaryVU: true, color: color, stopEngine: r.startEngine()})
	}
	if code != ExitOK {
		return code
	}
	r.runner.Options, _ = json.Marshal(r.opts)
	r.runner.Instance = func() js.InstanceState {
		st := js.InstanceState{VUsActive: sched.ActiveVUs(), VUsInitialized: sched.MaxVUs(), Start: r.engineStart}
		for _, p := range sched.Progress() {
			st.IterationsCompleted += p.Iterations.Load()
			st.IterationsInterrupted += p.Interrupted.Load()
		}
		return st
	}
	// The control API first: an --address that cannot be bound ends the run before any
	// output file is made.
	r.resume = make(chan struct{})
	r.paused.Store(r.cfg.paused)
	if addr := r.apiAddress(); addr != "" {
		stopAPI, err := r.startAPI(addr, sched)
		switch {
		case err != nil && (r.cfg.address != "" || r.cfg.paused):
			return r.fail(ExitInvalidConfig, "--address: %v", err)
		case err != nil: // only k6's default address, which another test may hold
			r.logger.Warn(fmt.Sprintf("%v; the run goes on without it", err))
		default:
			defer func() { r.linger(true); stopAPI() }() // --linger keeps the API up
		}
	}
	if code := r.waitForResume(); code != ExitOK {
		return code
	}
	outs, code := r.openOutputs()
	if code != ExitOK {
		return code
	}
	r.printBanner(bundle.Path, outs)
	stopEngine := r.startEngine()
	defer stopEngine()
	if r.initCtx.Err() != nil { // a signal between the last VU's init and here
		stopEngine()
		_ = stopOutputs(outs)
		return r.interruptedInInit()
	}

	// graceful ends: start no new iterations; hard ends: interrupt running ones; kill ends
	// (the second Ctrl-C only): do not even run teardown and handleSummary.
	graceful, stopGraceful := context.WithCancel(context.Background())
	hard, stopHard := context.WithCancel(context.Background())
	kill, stopKill := context.WithCancel(context.Background())
	defer stopGraceful()
	defer stopHard()
	defer stopKill()
	r.abortRun = func() { stopGraceful(); stopHard() }
	interrupted := r.signalled

	exit := ExitOK
	// What the run did, for the closing line: an interruption is never reported as the
	// script's exception, and nothing is said to have run that did not.
	setupInterrupted, teardownInterrupted, teardownSkipped := false, false, false
	// A Ctrl-C during setup() stops it at once: without its data no iteration can run.
	setupCtx, stopSetup := context.WithCancel(hard)
	r.onSignal(func(n int) {
		if n == 1 {
			r.logger.Warn("stopping: setup() interrupted, no iterations will run")
		}
		stopGraceful()
		stopSetup()
	})
	setupJSON, err := r.setup(optsVU, setupCtx)
	setupStopped := setupCtx.Err() != nil
	stopSetup()
	// As in k6 v2, the first Ctrl-C interrupts the running iterations at once (no
	// gracefulStop) and still runs teardown() and the summary; the second stops those too.
	r.watchSignalsSaying("stopping: running iterations interrupted; teardown() and the summary still run; press Ctrl-C again to stop at once",
		func() { stopGraceful(); stopHard() }, func() { stopHard(); stopKill() })
	// Stopped by a signal, setup() ends as interrupted even if it got to return: what it
	// returned may be the result of cut-short calls.
	if setupStopped && interrupted() && r.scriptAbort.Load() == nil && err == nil {
		err = js.ErrInterrupted
	}
	if err != nil {
		switch {
		case r.scriptAbort.Load() != nil:
			exit = ExitScriptException
		case setupStopped && interrupted():
			setupInterrupted = true
		default:
			r.logger.Error(err.Error(), "in", "setup")
			exit = exitCodeOr(err, ExitScriptException)
		}
		// The VUs were made: the summary shows them, as after a run.
		metrics.PushIfNotDone(context.Background(), r.engine.In(), metrics.Samples{
			{Metric: r.builtin.VUs, Tags: metrics.NewTagSet(r.opts.Tags), Time: time.Now(), Value: 0},
			{Metric: r.builtin.VUsMax, Tags: metrics.NewTagSet(r.opts.Tags), Time: time.Now(), Value: float64(sched.MaxVUs())},
		})
	} else {
		sched.SetupJSON = setupJSON
		progressDone := r.startProgress(sched, color)
		watchDone := make(chan struct{})
		go r.engine.WatchThresholds(2*time.Second, watchDone, func(failing []engine.ThresholdResult) {
			for _, f := range failing {
				r.logger.Error(fmt.Sprintf("threshold %q on %s failed (%s=%s) and has abortOnFail: stopping the test",
					f.Threshold.Source, f.Key, f.Threshold.Agg, summary.FormatAggregate(f.Metric, f.Threshold.Agg, f.Value)))
			}
			r.thresholdAbort.Store(true)
			r.abortRun()
		})
		if err := sched.Run(graceful, hard); err != nil {
			r.logger.Error(err.Error())
			exit = ExitRuntimeError
		}
		close(watchDone)
		progressDone()
		r.runner.FlushExceptionLog()
		// A Ctrl-C during teardown() stops it at once; after a hard stop it does not start.
		teardownSkipped = kill.Err() != nil
		hasTeardown := optsVU.HasExport("teardown")
		r.onSignal(func(n int) {
			if n == 1 && hasTeardown {
				r.logger.Warn("stopping at once: teardown() interrupted")
			}
			stopKill()
		})
		var err error
		if !teardownSkipped {
			err = r.teardown(setupJSON, kill)
		}
		switch {
		case !teardownSkipped && kill.Err() != nil && interrupted():
			teardownInterrupted = true
		case err == nil:
		default:
			r.logger.Error(err.Error(), "in", "teardown")
			if exit == ExitOK {
				exit = exitCodeOr(err, ExitScriptException)
			}
		}
	}
	reason := ""
	switch {
	case r.scriptAbort.Load() != nil:
		reason = "run aborted by the script (test.abort): " + *r.scriptAbort.Load()
		exit = ExitScriptAborted
	case r.thresholdAbort.Load():
		reason = "run stopped early: a threshold with abortOnFail failed"
		exit = ExitThresholds
	case interrupted():
		switch {
		case setupInterrupted:
			reason = "run interrupted by a signal during setup(): no iterations ran, teardown() not run"
		case teardownInterrupted:
			reason = "run interrupted by a signal: iterations stopped, teardown interrupted; results above are complete up to that point"
		case teardownSkipped && optsVU.HasExport("teardown") && !isTrue(r.opts.NoTeardown):
			reason = "run interrupted by a signal: iterations stopped at once, teardown() not run; results above are complete up to that point"
		case optsVU.HasExport("teardown") && !isTrue(r.opts.NoTeardown):
			reason = "run interrupted by a signal: iterations stopped, teardown run, results above are complete up to that point"
		default:
			reason = "run interrupted by a signal: iterations stopped, results above are complete up to that point"
		}
		if exit == ExitOK {
			exit = ExitExternalAbort
		}
	}
	return r.finish(ending{exit: exit, reason: reason, setupJSON: setupJSON, optsVU: optsVU,
		summaryVU: kill.Err() == nil, color: color, outs: outs, stopEngine: stopEngine})
}

// begin is what `run` and `worker` do first. Signals are watched from the very start: a
// Ctrl-C during a long init (a loop, a connect() to a server that never answers) must stop
// the run too (stopSignal ends the watch). Output paths are checked before any init code
// runs, so a typo in a folder name does not cost the whole test.
func (r *testRun) begin() int {
	r.startSignals()
	if err := r.checkOutputPaths(); err != nil {
		return r.fail(ExitInvalidConfig, "%v", err)
	}
	return ExitOK
}

// apiAddress is where the control API listens: --address, or k6's default when a scenario
// needs controlling; "" for none.
func (r *testRun) apiAddress() string {
	if r.cfg.address != "" {
		return r.cfg.address
	}
	if r.cfg.paused {
		return defaultAPIAddress // the only way to resume
	}
	for _, s := range r.opts.Scenarios {
		if s.Executor == options.ExternallyControlled {
			return defaultAPIAddress
		}
	}
	return ""
}

// ending is how a run or a worker ended, for finish.
type ending struct {
	exit       int
	reason     string
	setupJSON  string
	optsVU     *js.VU
	summaryVU  bool // whether handleSummary may still run
	color      bool
	outs       []output.Output
	stopEngine func()
}

// finish ends a run: every VU ends before the engine stops, so nothing they measured is
// lost, and the outputs stop after the engine, so they get all of it; then the thresholds'
// verdict, --summary-export, and handleSummary() or the text summary. It returns the exit
// code: e.exit, or 99 when it was 0 and a threshold failed.
func (r *testRun) finish(e ending) int {
	// The test ends here for the summary's duration and rates: not after the init code
	// that making handleSummary's VU runs again (k6 leaves that out too).
	r.engine.EndClock()
	// The plans of queries first run at the end are still being read: the summary, the
	// report (the dashboard's last snapshot) and handleSummary's data want them. Before the
	// VUs are discarded, while the drivers are open.
	if r.neo4j != nil && r.neo4j.Imported() {
		r.neo4j.WaitPlans(planWait)
	}
	// handleSummary gets a VU of its own, made while the modules are still open.
	var summaryVU *js.VU
	if e.summaryVU && e.optsVU.HasExport("handleSummary") {
		var err error
		if summaryVU, err = r.newVU(0); err != nil {
			r.logger.Error(fmt.Sprintf("initialising the VU for handleSummary(): %v", err))
		}
	}
	r.discardVUs()
	r.closeModules()
	// The outputs get outputStopLimit in all to take and write what is left: the engine's
	// hand-over and their own flush share it.
	deadline := time.Now().Add(outputStopLimit)
	r.engine.OutputStopTimeout = outputStopLimit
	e.stopEngine()
	if err := stopOutputsWithin(e.outs, max(time.Until(deadline), time.Second)); err != nil {
		r.logger.Error(err.Error())
	}
	if r.neo4j != nil {
		r.neo4j.OnServer(nil) // the json outputs are closed
	}
	exit := e.exit
	// As in k6, exec.test.fail() decides the exit code unless the run itself ended in error
	// (aborted, interrupted): it comes before failed thresholds.
	if msg := r.markedFailed.Load(); msg != nil && exit == ExitOK {
		exit = ExitMarkedAsFailed
		text := "test marked as failed"
		if *msg != "" {
			text += ": " + *msg
		}
		r.logger.Error(text)
	}
	results := r.engine.EvaluateThresholds()
	for _, t := range results {
		if !t.Pass && exit == ExitOK {
			exit = ExitThresholds
		}
	}
	rep := r.report(e.reason, results)
	// options.noColor is what k6 has: --no-color or NO_COLOR (set, even empty), not
	// whether stdout is a terminal.
	_, noColorEnv := r.gs.Env["NO_COLOR"]
	data := summary.BuildData(rep, results, e.setupJSON, r.gs.StdoutTTY, r.cfg.noColor || noColorEnv)
	if nd := r.neo4jData(); nd != nil {
		data.Neo4j = nd
		rep.Servers = summary.ServersOf(nd.RunReport)
	}
	r.runner.FlushExceptionLog()
	if r.cfg.summaryExport != "" {
		b, err := summary.LegacyExport(data)
		if err == nil {
			err = os.WriteFile(r.cfg.summaryExport, append(b, '\n'), 0o644)
		}
		if err != nil {
			r.logger.Error(fmt.Sprintf("--summary-export: %v", err))
		}
	}
	if summaryVU != nil && r.handleSummary(summaryVU, data) {
		return exit
	}
	if !r.cfg.noSummary && r.cfg.summaryMode != "disabled" && !(r.opts.NoSummary != nil && *r.opts.NoSummary) {
		rep.Full = r.cfg.summaryMode == "full"
		_ = summary.WriteText(r.gs.Stdout, rep, e.color)
	}
	return exit
}

// planWait bounds the wait for the query plans still being read when the run ends.
const planWait = 3 * time.Second

// neo4jImportPath is the module's import path in the module table.
const neo4jImportPath = "k6/x/neo4j"

// neo4jData is handleSummary's data.neo4j: what the module learned (servers tested, query
// plans and profiles) and the run's own tags (--tag, options.tags), which with the servers
// say what two runs compare. It is nil when the script did not import the module, so a
// k6 script's data stays k6's.
type neo4jData struct {
	*neo4j.RunReport
	Tags map[string]string `json:"tags"`
}

func (r *testRun) neo4jData() *neo4jData {
	if r.neo4j == nil || !r.neo4j.Imported() {
		return nil
	}
	tags := r.opts.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return &neo4jData{RunReport: r.neo4j.Report(), Tags: tags}
}

// handleSummary calls the script's handleSummary(data) and writes what it returns: to
// stdout, stderr or files. It reports whether that worked; if not, the default summary is
// printed instead, as k6 does.
func (r *testRun) handleSummary(vu *js.VU, data summary.Data) bool {
	defer vu.Discard()
	b, err := json.Marshal(data)
	if err != nil {
		r.logger.Error(fmt.Sprintf("handleSummary(): %v", err))
		return false
	}
	var plain any
	_ = json.Unmarshal(b, &plain)
	if err := vu.Activate(metrics.NewTagSet(nil), ""); err != nil {
		r.logger.Error(err.Error())
		return false
	}
	limit := durationOr(r.opts.HandleSummaryTimeout, 2*time.Minute) // k6's default
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	v, err := vu.Call(ctx, "handleSummary", vu.Runtime().ToValue(plain))
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = timedOut("handleSummary", limit, ExitOK)
	}
	if err != nil {
		r.logger.Error(fmt.Sprintf("handleSummary() failed, printing the default summary instead: %v", err))
		return false
	}
	obj, ok := v.(*sobek.Object)
	if !ok || v == nil {
		return true // it returned nothing: it wrote nothing, and no default summary either
	}
	for _, k := range obj.Keys() {
		var content []byte
		switch x := obj.Get(k).Export().(type) {
		case string:
			content = []byte(x)
		case sobek.ArrayBuffer:
			content = x.Bytes()
		default:
			b, _ := json.Marshal(x)
			content = b
		}
		switch k {
		case "stdout":
			_, err = r.gs.Stdout.Write(content)
		case "stderr":
			_, err = r.gs.Stderr.Write(content)
		default:
			err = os.WriteFile(k, content, 0o644)
		}
		if err != nil {
			// As in k6, the exit code stays; the line says what was lost.
			r.logger.Error(fmt.Sprintf("handleSummary(): could not write %q, that part of the summary is lost: %v", k, err))
		}
	}
	return true
}

// newVU makes a VU; a Ctrl-C before the test starts interrupts its init code.
func (r *testRun) newVU(id uint64) (*js.VU, error) {
	ctx := r.initCtx
	if ctx == nil {
		ctx = context.Background()
	}
	return r.newVUContext(ctx, id)
}

// newVUContext makes a VU whose init code ctx interrupts.
func (r *testRun) newVUContext(ctx context.Context, id uint64) (*js.VU, error) {
	vu, err := r.runner.NewVUContext(ctx, id)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.vus = append(r.vus, vu)
	r.mu.Unlock()
	return vu, nil
}

// layeredOptions merges the options in k6's order: the config file (--config or
// K6_CONFIG), then the script's, then K6_* variables, then flags.
func (r *testRun) layeredOptions(optsVU *js.VU) (options.Options, int) {
	raw, err := r.scriptOptions(optsVU) // an archive's recorded options replace the script's
	if err != nil {
		return options.Options{}, r.fail(ExitInvalidConfig, "%v", err)
	}
	scriptOpts, err := options.FromJSON(raw)
	if err != nil {
		return options.Options{}, r.fail(ExitInvalidConfig, "in the script's options: %v", err)
	}
	for _, u := range scriptOpts.Unknown {
		r.logger.Warn(fmt.Sprintf("option %q is not known here and is ignored", u))
	}
	envOpts, err := envOptions(r.gs.Env)
	if err != nil {
		return options.Options{}, r.fail(ExitInvalidConfig, "%v", err)
	}
	var fileOpts options.Options
	if path := r.cfg.configFile; path != "" || r.gs.Env["K6_CONFIG"] != "" {
		if path == "" {
			path = r.gs.Env["K6_CONFIG"]
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return options.Options{}, r.fail(ExitInvalidConfig, "--config: %v", err)
		}
		if fileOpts, err = options.FromJSON(b); err != nil {
			return options.Options{}, r.fail(ExitInvalidConfig, "in %s: %v", path, err)
		}
		for _, u := range fileOpts.Unknown {
			r.logger.Warn(fmt.Sprintf("option %q in %s is not known here and is ignored", u, path))
		}
	}
	merged := r.mergeWarning(fileOpts, scriptOpts, envOpts, r.cfg.opts)
	for _, w := range merged.Warnings() {
		r.logger.Warn(w)
	}
	return merged, ExitOK
}

// resolve validates merged options into r.opts, with the default trend stats.
func (r *testRun) resolve(merged options.Options) int {
	var err error
	if r.opts, err = merged.Resolve(); err != nil {
		return r.fail(ExitInvalidConfig, "%v", err)
	}
	if len(r.opts.SummaryTrendStats) == 0 {
		r.opts.SummaryTrendStats = metrics.DefaultTrendStats
	}
	// From now on what modules measure outside the VUs (the server sampler) carries the run's
	// tags, also while the other VUs initialise.
	if r.runner != nil {
		r.runner.RunTags.Store(metrics.NewTagSet(r.opts.Tags))
	}
	return ExitOK
}

func (r *testRun) resolveOptions(optsVU *js.VU) int {
	merged, code := r.layeredOptions(optsVU)
	if code == ExitOK {
		code = r.resolve(merged)
	}
	if code != ExitOK {
		return code
	}
	var errs []string
	for _, n := range r.opts.ScenarioNames() {
		exec := r.opts.Scenarios[n].Exec
		if !optsVU.HasExport(exec) {
			if exec == "default" {
				// k6's words first, so searching for k6's message finds this one.
				errs = append(errs, fmt.Sprintf("executor %s: function 'default' not found in exports: the script needs export default function () { ... }", n))
			} else {
				errs = append(errs, fmt.Sprintf("scenario %q, option \"exec\": the script exports no function %q", n, exec))
			}
		}
	}
	if len(errs) > 0 {
		return r.fail(ExitInvalidConfig, "%v:\n  - %s", options.ErrInvalid, strings.Join(errs, "\n  - "))
	}
	return ExitOK
}

// initAborted is initVUs' code for a VU whose init code called exec.test.abort().
const initAborted = -1

// initVUs makes every VU the scenarios need, running the init code in parallel.
func (r *testRun) initVUs() (*execution.Scheduler, int) {
	n := int(r.opts.MaxConcurrentVUs())
	vus := make([]execution.VU, n)
	ctx := r.initCtx
	if ctx == nil {
		ctx = context.Background()
	}
	errs := execution.InitEach(ctx, n, func(i int) error {
		vu, err := r.newVU(uint64(i + 1))
		vus[i] = vu
		return err
	})
	for i, err := range errs {
		if err != nil && r.scriptAbort.Load() != nil {
			return nil, initAborted
		}
		if err != nil && r.initInterrupted(err) {
			return nil, r.interruptedInInit()
		}
		if err != nil {
			return nil, r.fail(ExitScriptException, "initialising VU %d: %v", i+1, err)
		}
	}
	return execution.NewScheduler(r.opts, execution.NewPool(vus), r.builtin, r.engine.In(), r.runner.RunTags.Load()), ExitOK
}

// setup runs the script's setup() in a VU of its own and returns its result as JSON.
func (r *testRun) setup(optsVU *js.VU, hard context.Context) (string, error) {
	if !optsVU.HasExport("setup") || isTrue(r.opts.NoSetup) {
		return "", nil
	}
	vu, err := r.newVUContext(hard, 0)
	if err != nil {
		return "", err
	}
	if err := vu.Activate(metrics.NewTagSet(r.opts.Tags).With("group", "::setup"), ""); err != nil {
		return "", err
	}
	limit := durationOr(r.opts.SetupTimeout, 60*time.Second)
	ctx, cancel := context.WithTimeout(hard, limit)
	defer cancel()
	v, err := vu.Call(ctx, "setup")
	if err != nil && hard.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", timedOut("setup", limit, ExitSetupTimeout)
	}
	if err != nil {
		return "", fmt.Errorf("setup() failed: %w", err)
	}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return "", nil
	}
	b, err := json.Marshal(v.Export())
	if err != nil {
		return "", fmt.Errorf("setup() returned data that cannot be passed on as JSON: %w", err)
	}
	return string(b), nil
}

func (r *testRun) teardown(setupJSON string, hard context.Context) error {
	if len(r.vus) == 0 || !r.vus[0].HasExport("teardown") || isTrue(r.opts.NoTeardown) {
		return nil
	}
	vu, err := r.newVUContext(hard, 0)
	if err != nil {
		return err
	}
	if err := vu.Activate(metrics.NewTagSet(r.opts.Tags).With("group", "::teardown"), setupJSON); err != nil {
		return err
	}
	limit := durationOr(r.opts.TeardownTimeout, 60*time.Second)
	ctx, cancel := context.WithTimeout(hard, limit)
	defer cancel()
	data := sobek.Undefined()
	if setupJSON != "" {
		data = vu.Runtime().ToValue(mustUnmarshal(setupJSON))
	}
	_, err = vu.Call(ctx, "teardown", data)
	if err != nil && hard.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return timedOut("teardown", limit, ExitTeardownTimeout)
	}
	if err != nil {
		return fmt.Errorf("teardown() failed: %w", err)
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// exitError is an error that sets the run's exit code.
type exitError struct {
	msg  string
	code int
}

func (e *exitError) Error() string { return e.msg }

// timedOut is k6's error for a lifecycle function that ran past its timeout option, with
// k6's exit code for it.
func timedOut(name string, limit time.Duration, code int) error {
	return &exitError{msg: fmt.Sprintf("%s() execution timed out after %.f seconds", name, limit.Seconds()), code: code}
}

// exitCodeOr is err's own exit code, if it carries one, else def.
func exitCodeOr(err error, def int) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return def
}

func mustUnmarshal(s string) any {
	var v any
	_ = json.Unmarshal([]byte(s), &v) // s came from json.Marshal
	return v
}

func durationOr(d *options.Duration, def time.Duration) time.Duration {
	if d == nil || *d == 0 {
		return def
	}
	return d.D()
}

// discardVUs ends every VU once; module instances release what they hold.
func (r *testRun) discardVUs() {
	r.mu.Lock()
	vus := r.vus
	r.vus = nil
	r.mu.Unlock()
	for _, vu := range vus {
		vu.Discard()
	}
}

func (r *testRun) closeModules() {
	for name, m := range r.modules {
		if c, ok := m.(io.Closer); ok {
			if err := c.Close(); err != nil {
				r.logger.Warn(fmt.Sprintf("closing module %s: %v", name, err))
			}
		}
	}
	r.modules = nil
}

// signalWatch turns Ctrl-C and SIGTERM into stops. What a signal does depends on the phase
// the run is in (onSignal): before the test starts (init) the first ends the run; during
// setup() and teardown() it stops them at once; during the iterations the first stops
// gracefully and the second hard.
type signalWatch struct {
	mu      sync.Mutex
	got     int // signals so far
	inPhase int // signals since the phase began
	handler func(n int)
}

// startSignals starts watching the process's signals, in the init phase; it is safe to
// call more than once.
func (r *testRun) startSignals() {
	if r.signals != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.initCtx = ctx
	w := &signalWatch{handler: func(n int) {
		if n == 1 {
			r.logger.Warn("interrupted during init: stopping before the test starts")
		}
		cancel()
	}}
	r.signals = w
	done := make(chan struct{})
	var once sync.Once
	r.stopSignal = func() { once.Do(func() { close(done); cancel() }) }
	if r.gs.Signals == nil {
		return
	}
	go func() {
		for {
			select {
			case <-done:
				return
			case <-r.gs.Signals:
			}
			w.mu.Lock()
			w.got++
			w.inPhase++
			n, h := w.inPhase, w.handler
			w.mu.Unlock()
			h(n)
		}
	}()
}

// onSignal starts a phase: from now on a signal calls h with its number within the phase.
// It reports whether any signal came before.
func (r *testRun) onSignal(h func(n int)) bool {
	r.startSignals()
	w := r.signals
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handler, w.inPhase = h, 0
	return w.got > 0
}

// watchSignals starts the iterations' phase: the first signal stops gracefully, the second
// hard. If a signal came during init, graceful runs at once. It returns whether a signal
// came at all.
func (r *testRun) watchSignals(graceful, hard context.CancelFunc) func() bool {
	return r.watchSignalsSaying("stopping: running iterations may finish within gracefulStop; press Ctrl-C again to stop at once", graceful, hard)
}

// watchSignalsSaying is watchSignals with the warning the first signal logs.
func (r *testRun) watchSignalsSaying(first string, graceful, hard context.CancelFunc) func() bool {
	early := r.onSignal(func(n int) {
		if n == 1 {
			r.logger.Warn(first)
			graceful()
			return
		}
		r.logger.Warn("stopping at once")
		hard()
	})
	if early {
		graceful()
	}
	return r.signalled
}

// signalled says whether a signal came since the run started.
func (r *testRun) signalled() bool {
	if r.signals == nil {
		return false
	}
	r.signals.mu.Lock()
	defer r.signals.mu.Unlock()
	return r.signals.got > 0
}

// initInterrupted says whether err came from a signal stopping the init code.
func (r *testRun) initInterrupted(err error) bool {
	return errors.Is(err, js.ErrInterrupted) || (r.initCtx != nil && r.initCtx.Err() != nil)
}

// interruptedInInit ends a run stopped by a signal before the test started: no summary,
// since nothing was measured.
// waitForResume holds a --paused run, its VUs initialised, until the control API resumes it
// (as k6: before setup() and before the test's clock starts) or Ctrl-C ends it (105).
func (r *testRun) waitForResume() int {
	if !r.paused.Load() {
		return ExitOK
	}
	r.logger.Info(fmt.Sprintf("paused: the VUs are ready; `xk6-neo4j resume -a %s` (PATCH /v1/status with {\"data\":{\"attributes\":{\"paused\":false}}}) starts the test", r.apiAddress()))
	select {
	case <-r.resume:
		r.logger.Info("resumed through the control API")
		return ExitOK
	case <-r.initCtx.Done():
		return r.fail(ExitExternalAbort, "interrupted while paused: the test did not start")
	}
}

func (r *testRun) interruptedInInit() int {
	return r.fail(ExitExternalAbort, "interrupted during init: the test did not start")
}

func (r *testRun) report(reason string, results []engine.ThresholdResult) summary.Report {
	rep := summary.Report{
		Metrics: r.engine.Snapshot(r.opts.SummaryTrendStats), Checks: r.engine.Checks(),
		Queries: r.engine.Queries(), TrendStats: r.opts.SummaryTrendStats,
		Elapsed: r.engine.Elapsed(), Interrupted: reason, OutputDrops: r.engine.OutputDrops(),
	}
	if r.opts.SummaryTimeUnit != nil {
		rep.TimeUnit = *r.opts.SummaryTimeUnit
	}
	if len(results) > 0 {
		rep.Thresholds = map[string][]summary.Threshold{}
		for _, t := range results {
			rep.Thresholds[t.Key] = append(rep.Thresholds[t.Key], summary.Threshold{
				Source: t.Threshold.Source, OK: t.Pass,
				Value: t.Threshold.Agg + "=" + summary.FormatAggregate(t.Metric, t.Threshold.Agg, t.Value),
			})
		}
	}
	rep = summary.AddThresholdMetrics(rep, results) // shown even without samples, as in k6
	for _, e := range r.runner.ExceptionCounts() {
		rep.Exceptions = append(rep.Exceptions, summary.ExceptionCount{Msg: e.Msg, N: e.N})
	}
	return rep
}

// splitEnvList reads a comma-separated K6_* list.
func splitEnvList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *testRun) printBanner(script string, outs []output.Output) {
	if r.cfg.quiet {
		return
	}
	w := r.gs.Stdout
	maxVUs := r.opts.MaxConcurrentVUs()
	var maxDur time.Duration
	names := r.opts.ScenarioNames()
	for _, n := range names {
		s := r.opts.Scenarios[n]
		maxDur = max(maxDur, s.StartTime.D()+s.MaxTime())
	}
	plural := "s"
	if len(names) == 1 {
		plural = ""
	}
	outDesc := "-"
	if len(outs) > 0 {
		ds := make([]string, len(outs))
		for i, o := range outs {
			ds[i] = o.Description()
		}
		outDesc = strings.Join(ds, ", ")
	}
	fmt.Fprintf(w, "\n  execution: local\n     script: %s\n     output: %s\n\n", script, outDesc)
	// As k6: the share of the test this instance runs (100% without an execution segment),
	// and each scenario as this instance runs it.
	fmt.Fprintf(w, "  scenarios: (%.2f%%) %d scenario%s, %d max VUs, %s max duration (incl. graceful stop):\n",
		r.opts.Tuple().Share()*100, len(names), plural, maxVUs, options.Duration(maxDur))
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "           * %s: %s\n", n, describeScenario(r.opts.Scenarios[n].In(r.opts.Tuple())))
	}
	fmt.Fprintln(w)
}

func describeScenario(s options.Scenario) string {
	var d string
	switch s.Executor {
	case options.SharedIterations:
		d = fmt.Sprintf("%d iterations shared among %d VUs (maxDuration: %s, gracefulStop: %s)", *s.Iterations, *s.VUs, s.MaxDuration, s.GracefulStop)
	case options.PerVUIterations:
		d = fmt.Sprintf("%d iterations for each of %d VUs (maxDuration: %s, gracefulStop: %s)", *s.Iterations, *s.VUs, s.MaxDuration, s.GracefulStop)
	case options.ConstantVUs:
		d = fmt.Sprintf("%d looping VUs for %s (gracefulStop: %s)", *s.VUs, s.Duration, s.GracefulStop)
	case options.ExternallyControlled:
		d = fmt.Sprintf("%d to %d VUs for %s, set with xk6-neo4j scale (no graceful stop)", *s.VUs, *s.MaxVUs, s.Duration)
	default:
		d = fmt.Sprintf("%s, up to %d VUs (gracefulStop: %s)", s.Executor, s.PeakVUs(), s.GracefulStop)
	}
	if s.Exec != "default" {
		d += fmt.Sprintf(" exec: %s", s.Exec)
	}
	if s.StartTime > 0 {
		d += fmt.Sprintf(", starting at %s", s.StartTime)
	}
	return d
}
