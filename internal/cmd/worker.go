package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/internal/locust"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/internal/summary"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// workerConfig is what the worker flags say; run holds the flags `run` also has.
type workerConfig struct {
	run            *runConfig
	master         string
	nodeID         string
	masterTimeout  time.Duration
	connectTimeout time.Duration
}

const workerHelp = `Joins a Locust master (Locust 2.x, e.g. locust/master in this project) as one of its
workers. The master says when users start and stop and how many of each user class run
here; each user is a VU looping the script's exported function named like its class (any
case), else the default function. Every query is reported to the master as a request
(method = read/write/auto, name = the query's name tag; a failure's error = its Neo4j code);
script exceptions show in its failures table as method "exception". setup() runs when a
test starts on this worker and teardown() when it stops. At exit the worker prints its own
summary of everything it measured.
`

func workerFlags() (*pflag.FlagSet, *workerConfig) {
	c := &workerConfig{run: &runConfig{}}
	fs := pflag.NewFlagSet("worker", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Usage = func() {} // --help is answered by workerCommand, on stdout
	fs.StringVar(&c.master, "master", "127.0.0.1:5557", "the Locust master's HOST:PORT (its --master-bind-port)")
	fs.StringVar(&c.nodeID, "node-id", "", "this worker's identity (default: hostname_<random hex>, as Locust's workers)")
	fs.DurationVar(&c.masterTimeout, "master-timeout", locust.DefaultMasterTimeout, "stop the users and exit after this long without a heartbeat from the master")
	fs.DurationVar(&c.connectTimeout, "connect-timeout", locust.DefaultConnectTimeout, "give up when no master has registered this worker within this long")
	fs.StringArrayVarP(&c.run.env, "env", "e", nil, "script environment variable KEY=VALUE (repeatable)")
	fs.StringArrayVar(&c.run.tags, "tag", nil, "tag NAME=VALUE added to every sample (repeatable)")
	fs.StringArrayVarP(&c.run.outs, "out", "o", nil, "also send every sample to an output NAME[=ARG], as `run` does (repeatable)")
	fs.StringVar(&c.run.trendStats, "summary-trend-stats", "", "trend columns of the summary, e.g. avg,p(95),p(99.9)")
	fs.BoolVar(&c.run.noSummary, "no-summary", false, "do not print this worker's summary at exit")
	fs.StringVar(&c.run.summaryExport, "summary-export", "", "write this worker's summary as JSON (k6's older flat format) to FILE")
	fs.BoolVarP(&c.run.quiet, "quiet", "q", false, "no banner")
	fs.BoolVar(&c.run.noColor, "no-color", false, "no colours in the output")
	return fs, c
}

// parseWorkerArgs reads the worker flags; every bad value is reported at once.
func parseWorkerArgs(args []string) (*workerConfig, error) {
	fs, c := workerFlags()
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, fmt.Errorf("worker takes exactly one script, got %d arguments", fs.NArg())
	}
	c.run.script = fs.Arg(0)
	var errs []string
	if host, port, err := net.SplitHostPort(c.master); err != nil || host == "" || port == "" {
		errs = append(errs, fmt.Sprintf("--master %q: want HOST:PORT, e.g. 127.0.0.1:5557", c.master))
	}
	if c.masterTimeout <= 0 {
		errs = append(errs, fmt.Sprintf("--master-timeout %s: must be positive", c.masterTimeout))
	}
	if c.connectTimeout <= 0 {
		errs = append(errs, fmt.Sprintf("--connect-timeout %s: must be positive", c.connectTimeout))
	}
	if c.run.trendStats != "" {
		c.run.opts.SummaryTrendStats = strings.Split(c.run.trendStats, ",")
	}
	for _, kv := range c.run.env {
		if !strings.Contains(kv, "=") {
			errs = append(errs, fmt.Sprintf("--env %q: want KEY=VALUE", kv))
		}
	}
	if len(c.run.tags) > 0 {
		c.run.opts.Tags = map[string]string{}
		for _, kv := range c.run.tags {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				errs = append(errs, fmt.Sprintf("--tag %q: want NAME=VALUE", kv))
				continue
			}
			c.run.opts.Tags[k] = v
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n  - %s", options.ErrInvalid, strings.Join(errs, "\n  - "))
	}
	return c, nil
}

func workerCommand(gs *GlobalState, args []string) int {
	wc, err := parseWorkerArgs(args)
	if errors.Is(err, pflag.ErrHelp) {
		fs, _ := workerFlags()
		fmt.Fprintf(gs.Stdout, "Usage: xk6-neo4j worker [flags] --master HOST:PORT script.js\n\n%s\nFlags:\n%s", workerHelp, fs.FlagUsages())
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(gs.Stderr, "error: %v\n\nRun 'xk6-neo4j worker --help' for the flags.\n", err)
		if errors.Is(err, options.ErrInvalid) {
			return ExitInvalidConfig
		}
		return ExitUsage
	}
	color := gs.StdoutTTY && !wc.run.noColor && gs.Env["NO_COLOR"] == ""
	// Logs as run writes them: k6's bracketed text on a terminal, logfmt elsewhere.
	logger, _, closeLogs, err := wc.run.loggers(gs)
	if err != nil {
		fmt.Fprintf(gs.Stderr, "error: %v\n", err)
		return ExitUsage
	}
	defer closeLogs()
	r := &testRun{gs: gs, cfg: wc.run, logger: logger, env: scriptEnv(gs.Env, wc.run.env)}
	return r.work(wc, color)
}

// work runs the script as a Locust worker: the master decides when users start and stop
// and how many of each class run; every query goes to the master as a request and into
// this process's own summary.
func (r *testRun) work(wc *workerConfig, color bool) int {
	code := r.begin()
	defer r.stopSignal()
	if code != ExitOK {
		return code
	}
	stats := locust.NewStats(nil)
	stats.SetWarn(func(msg string) { r.logger.Warn(msg) })
	consumer := &locust.SampleConsumer{Stats: stats}
	bundle, code := r.load(consumer)
	if code != ExitOK {
		return code
	}
	consumer.In = r.engine.In()
	defer r.engine.Close() // last: handleSummary's VU may push until the end
	defer r.closeModules()
	defer r.discardVUs()

	optsVU, err := r.newVU(0)
	if err != nil {
		if r.initInterrupted(err) {
			return r.interruptedInInit()
		}
		return r.fail(ExitScriptException, "%v", err)
	}
	if code := r.resolveWorkerOptions(); code != ExitOK {
		return code
	}
	if code := r.setThresholds(); code != ExitOK {
		return code
	}
	exports := userFunctions(optsVU)
	if len(exports) == 0 {
		return r.fail(ExitInvalidConfig, "%v: the script exports no function for Locust users to run (export default function () { ... }, or one function per user class)", options.ErrInvalid)
	}
	outs, code := r.openOutputs()
	if code != ExitOK {
		return code
	}
	if !r.cfg.quiet {
		outDesc := "-"
		if len(outs) > 0 {
			ds := make([]string, len(outs))
			for i, o := range outs {
				ds[i] = o.Description()
			}
			outDesc = strings.Join(ds, ", ")
		}
		fmt.Fprintf(r.gs.Stdout, "\n  execution: Locust worker (master %s)\n     script: %s\n     output: %s\n\n  user classes run the exported function of their name (any case), else default: %s\n\n",
			wc.master, bundle.Path, outDesc, strings.Join(exports, ", "))
	}

	stopEngine := r.startEngine()
	defer stopEngine()

	graceful, stopGraceful := context.WithCancel(context.Background())
	hard, stopHard := context.WithCancel(context.Background())
	defer stopGraceful()
	defer stopHard()
	interrupted := r.watchSignals(stopGraceful, stopHard)
	r.runner.Fail = func(msg string) { r.markedFailed.CompareAndSwap(nil, &msg) }
	// test.abort() in a user ends this worker: it leaves the master, as after Ctrl-C.
	r.runner.Abort = func(reason string) {
		if r.scriptAbort.CompareAndSwap(nil, &reason) {
			r.logger.Warn("test.abort() called: this worker leaves the Locust master", "reason", reason)
		}
		stopGraceful()
	}

	base := metrics.NewTagSet(r.opts.Tags)
	classes := &classScenarios{}
	users := &locust.Users{
		NewVU: func(id uint64) (locust.VU, error) {
			vu, err := r.newVU(id)
			if err != nil {
				return nil, err
			}
			return userVU{vu, classes}, nil
		},
		Exec: func(class string) (string, error) { return locust.ResolveExec(class, exports) },
		Tags: func(class string) *metrics.TagSet { return base.With("scenario", class) },
		OnException: func(class string, err error) {
			stats.ScriptException(class, exceptionText(err), time.Now())
		},
		Logger: r.logger,
	}
	var setupJSON string // written and read by the worker's one operations goroutine
	worker := locust.NewWorker(locust.Config{
		Master: wc.master, NodeID: wc.nodeID, Users: users, Stats: stats, Flush: consumer.Flush,
		TestStart: func(context.Context) error {
			var err error
			r.scratchVUs(func() { setupJSON, err = r.setup(optsVU, hard) })
			users.SetSetupJSON(setupJSON)
			return err
		},
		TestStop: func(context.Context) {
			var err error
			r.scratchVUs(func() { err = r.teardown(setupJSON, hard) })
			switch {
			case err != nil && hard.Err() != nil:
				r.logger.Warn("teardown() interrupted")
			case err != nil:
				r.logger.Error(err.Error(), "in", "teardown")
			}
		},
		Logger: r.logger, MasterTimeout: wc.masterTimeout, ConnectTimeout: wc.connectTimeout,
	})
	r.runner.Options, _ = json.Marshal(r.opts)
	r.runner.Instance = func() js.InstanceState {
		return js.InstanceState{VUsActive: int64(users.Running()), VUsInitialized: int64(users.Made()), Start: r.engineStart}
	}
	gaugesDone := r.pushUserGauges(users)
	watchDone := make(chan struct{})
	go r.engine.WatchThresholds(2*time.Second, watchDone, func(failing []engine.ThresholdResult) {
		for _, f := range failing {
			r.logger.Error(fmt.Sprintf("threshold %q on %s failed (%s) and has abortOnFail: this worker leaves the Locust master",
				f.Threshold.Source, f.Key, summary.FormatAggregate(f.Metric, f.Threshold.Agg, f.Value)))
		}
		r.thresholdAbort.Store(true)
		stopGraceful()
	})
	werr := worker.Run(graceful)
	close(watchDone)
	gaugesDone()

	exit, reason := ExitOK, ""
	switch {
	case r.scriptAbort.Load() != nil:
		exit, reason = ExitScriptAborted, "worker stopped by the script (test.abort): "+*r.scriptAbort.Load()
	case r.thresholdAbort.Load():
		exit, reason = ExitThresholds, "worker stopped: a threshold with abortOnFail failed"
	case werr == nil:
	case errors.Is(werr, locust.ErrMasterGone):
		exit, reason = ExitExternalAbort, fmt.Sprintf("worker stopped: %v; the results above are complete up to then", werr)
	case errors.Is(werr, locust.ErrNoMaster):
		r.logger.Error(werr.Error())
		exit, reason = ExitRuntimeError, "worker stopped: "+werr.Error()
	case interrupted():
		exit, reason = ExitExternalAbort, "worker interrupted by a signal: users stopped, the master told, results above are complete up to that point"
	default:
		r.logger.Error(werr.Error())
		exit, reason = ExitRuntimeError, "worker stopped: "+werr.Error()
	}
	if exit == ExitExternalAbort && reason != "" && !interrupted() {
		r.logger.Error(reason)
	}

	return r.finish(ending{exit: exit, reason: reason, setupJSON: setupJSON, optsVU: optsVU,
		summaryVU: true, color: color, outs: outs, stopEngine: stopEngine})
}

// resolveWorkerOptions reads the options a worker uses: thresholds, tags, summary and
// setup/teardown settings. How many VUs run and for how long is the master's to say.
func (r *testRun) resolveWorkerOptions() int {
	merged, code := r.layeredOptions(r.vus[0])
	if code != ExitOK {
		return code
	}
	if merged.VUs != nil || merged.Duration != nil || merged.Iterations != nil || merged.Stages != nil || merged.Scenarios != nil {
		r.logger.Info("vus, duration, iterations, stages and scenarios do not apply to a Locust worker: the master says how many users run and for how long")
		merged.VUs, merged.Duration, merged.Iterations, merged.Stages, merged.Scenarios = nil, nil, nil, nil, nil
	}
	return r.resolve(merged)
}

// userVU is a VU as Users drive it: each activation tells it its user class, which
// k6/execution shows as the scenario.
type userVU struct {
	*js.VU
	classes *classScenarios
}

func (v userVU) Activate(tags *metrics.TagSet, setupJSON string) error {
	class, _ := tags.Get("scenario")
	v.SetScenario(v.classes.info(class))
	return v.VU.Activate(tags, setupJSON)
}

// classScenarios are the user classes as k6/execution shows them: one scenario each,
// executor "locust", numbered iterations across the class's users on this worker.
type classScenarios struct {
	mu sync.Mutex
	m  map[string]execution.ScenarioInfo
}

func (c *classScenarios) info(class string) execution.ScenarioInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, ok := c.m[class]; ok {
		return info
	}
	if c.m == nil {
		c.m = map[string]execution.ScenarioInfo{}
	}
	var next atomic.Int64
	info := execution.ScenarioInfo{
		Name: class, Executor: "locust", StartTime: time.Now(),
		NextIteration: func() int64 { return next.Add(1) - 1 },
		Progress:      func() float64 { return 0 }, // the master alone knows when the test ends
	}
	c.m[class] = info
	return info
}

// userFunctions lists the script's exported functions that users may run, sorted.
func userFunctions(vu *js.VU) []string {
	var out []string
	for _, k := range vu.Exports().Keys() {
		switch k {
		case "setup", "teardown", "handleSummary":
			continue
		}
		if vu.HasExport(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// scratchVUs runs f, which makes VUs for one call (setup, teardown), and discards them
// afterwards, so a worker that serves many tests does not keep two VUs per test. Only the
// worker's operations goroutine makes VUs, one thing at a time, so the VUs made during f
// are f's.
func (r *testRun) scratchVUs(f func()) {
	r.mu.Lock()
	n := len(r.vus)
	r.mu.Unlock()
	f()
	r.mu.Lock()
	made := append([]*js.VU(nil), r.vus[n:]...)
	r.vus = r.vus[:n]
	r.mu.Unlock()
	for _, vu := range made {
		vu.Discard()
	}
}

// pushUserGauges pushes vus and vus_max once a second, as the scheduler does in `run`.
func (r *testRun) pushUserGauges(users *locust.Users) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		base := metrics.NewTagSet(r.opts.Tags)
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				metrics.PushIfNotDone(context.Background(), r.engine.In(), metrics.Samples{
					{Metric: r.builtin.VUs, Tags: base, Time: now, Value: float64(users.Running())},
					{Metric: r.builtin.VUsMax, Tags: base, Time: now, Value: float64(users.Made())},
				})
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// exceptionText is what the master's failures table shows for a script exception: its
// message with where it was thrown, on one line.
func exceptionText(err error) string {
	var se *js.ScriptError
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Msg
	}
	msg = strings.TrimSpace(msg)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
