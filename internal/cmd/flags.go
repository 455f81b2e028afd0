package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"github.com/xk6-neo4j/xk6-neo4j/internal/logging"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// runConfig is what the run flags say.
type runConfig struct {
	opts          options.Options // only the options the flags set
	env           []string
	tags          []string
	quiet         bool
	noSummary     bool
	summaryMode   string // compact, full or disabled (k6's --summary-mode)
	noColor       bool
	trendStats    string
	summaryExport string
	outs          []string
	configFile    string
	dashboard     bool
	dashboardPort int
	report        string
	address       string
	script        string

	// Logging, as k6's global flags: --log-format, --log-output, -v, --console-output.
	logFormat     string // logfmt (the default; k6's text format), json or raw
	logOutput     string // stderr, stdout, none or file=PATH
	verbose       bool
	consoleOutput string

	noThresholds  bool
	includeSysEnv bool   // --include-system-env-vars: the process environment in __ENV (k6's default for run)
	compatMode    string // extended, base or experimental_enhanced: accepted, one loader for all
	throw         bool   // -w/--throw: k6's is for failed HTTP requests, which this tool has none of
	linger        bool
	noUsageReport bool
	paused        bool
	files         []*os.File // the log and console files, closed when the command ends
}

func runFlags() (*pflag.FlagSet, *runConfig) {
	c := &runConfig{}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Int64P("vus", "u", 1, "number of virtual users")
	fs.StringP("duration", "d", "", "test duration, e.g. 30s, 1m30s")
	fs.Int64P("iterations", "i", 0, "total iterations, shared by the VUs")
	fs.StringArrayVarP(&c.env, "env", "e", nil, "script environment variable KEY=VALUE (repeatable)")
	fs.StringArrayVarP(&c.outs, "out", "o", nil, "send every sample to an output NAME[=ARG] (repeatable)")
	fs.StringVarP(&c.configFile, "config", "c", "", "JSON file of options, below the script's in priority")
	fs.BoolVar(&c.dashboard, "dashboard", false, "serve a live dashboard while the test runs (K6_WEB_DASHBOARD=true)")
	fs.IntVar(&c.dashboardPort, "dashboard-port", 5665, "the dashboard's port on 127.0.0.1; 0 picks a free one (K6_WEB_DASHBOARD_PORT)")
	fs.StringVarP(&c.address, "address", "a", "", "serve the control API (xk6-neo4j scale/status) here; on "+defaultAPIAddress+" by default when a scenario is externally-controlled")
	fs.StringVar(&c.report, "report", "", "write the dashboard's views as one self-contained HTML file (K6_WEB_DASHBOARD_EXPORT)")
	fs.StringArrayVar(&c.tags, "tag", nil, "tag NAME=VALUE added to every sample (repeatable)")
	fs.StringVar(&c.trendStats, "summary-trend-stats", "", "trend columns of the summary, e.g. avg,p(95),p(99.9)")
	fs.String("summary-time-unit", "", "print every time of the summary in s, ms or us")
	fs.BoolVar(&c.noSummary, "no-summary", false, "do not print the end-of-test summary")
	fs.StringVar(&c.summaryMode, "summary-mode", "compact", "end-of-test summary: compact, full (adds a section per group) or disabled")
	fs.StringVar(&c.summaryExport, "summary-export", "", "write the end-of-test summary as JSON (k6's older flat format) to FILE")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no progress output")
	fs.BoolVar(&c.noColor, "no-color", false, "no colours in the output")
	fs.StringArrayP("stage", "s", nil, "a ramping stage DURATION:TARGET, e.g. 30s:10 (repeatable or comma-separated); replaces the script's scenarios")
	fs.BoolVar(&c.noThresholds, "no-thresholds", false, "do not evaluate (or show) the thresholds")
	fs.Bool("no-setup", false, "do not run setup()")
	fs.Bool("no-teardown", false, "do not run teardown()")
	fs.StringVar(&c.logFormat, "log-format", "", "log format: logfmt (default when stderr is not a terminal), json or raw")
	fs.StringVar(&c.logOutput, "log-output", "stderr", "where logs go: stderr, stdout, none or file=PATH")
	fs.StringVar(&c.consoleOutput, "console-output", "", "write console.log() and friends to FILE instead of the log")
	fs.String("system-tags", "", "comma-separated system tags the samples keep (k6's systemTags)")
	fs.BoolVar(&c.includeSysEnv, "include-system-env-vars", true, "pass the process environment to the script's __ENV")
	fs.StringVar(&c.compatMode, "compatibility-mode", "extended", "JS compatibility mode: extended, base or experimental_enhanced (all run the same here)")
	fs.BoolVarP(&c.verbose, "verbose", "v", false, "debug logs")
	fs.BoolVarP(&c.throw, "throw", "w", false, "accepted for k6 compatibility; no effect (k6 throws on failed HTTP requests, which this tool does not make)")
	fs.BoolVarP(&c.linger, "linger", "l", false, "after the run, keep the process (and the API and dashboard) up until Ctrl-C")
	fs.BoolVarP(&c.paused, "paused", "p", false, "initialise the VUs, then wait for `xk6-neo4j resume` (PATCH /v1/status) before setup()")
	fs.BoolVar(&c.noUsageReport, "no-usage-report", false, "accepted for k6 compatibility; this tool sends no usage report")
	fs.String("execution-segment", "", "run only this share of the test, FROM:TO or TO (1/3:2/3, 0.2:2/3, 33% meaning 0:33%), for several instances to run one test together")
	fs.String("execution-segment-sequence", "", "the segments the instances run, as points from 0 to 1 (0,1/3,2/3,1); --execution-segment is one of them")
	return fs, c
}

// parseRunArgs reads the run flags; every bad flag value is reported at once.
func parseRunArgs(args []string) (*runConfig, error) {
	fs, c := runFlags()
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, fmt.Errorf("run takes exactly one script, got %d arguments", fs.NArg())
	}
	c.script = fs.Arg(0)
	// errs make the command line unusable (exit 255, as k6); invalid are values that parse
	// but that the option checks refuse (exit 104, as k6).
	var errs, invalid []string
	if !fs.Changed("dashboard-port") {
		c.dashboardPort = -2 // not given: the environment or the default decides
	}
	if fs.Changed("vus") {
		v, _ := fs.GetInt64("vus")
		c.opts.VUs = &v
	}
	if fs.Changed("duration") {
		s, _ := fs.GetString("duration")
		d, err := options.ParseDuration(s)
		switch {
		case err != nil && strings.HasPrefix(strings.TrimSpace(s), "-"):
			// A duration, but out of range: k6 parses it and its option checks refuse it (104).
			invalid = append(invalid, fmt.Sprintf("--duration: %v", err))
		case err != nil:
			errs = append(errs, fmt.Sprintf("--duration: %v", err))
		default:
			c.opts.Duration = &d
		}
	}
	if fs.Changed("iterations") {
		v, _ := fs.GetInt64("iterations")
		c.opts.Iterations = &v
	}
	if fs.Changed("summary-time-unit") {
		u, _ := fs.GetString("summary-time-unit")
		c.opts.SummaryTimeUnit = &u
	}
	if c.trendStats != "" {
		c.opts.SummaryTrendStats = strings.Split(c.trendStats, ",")
	}
	invalid = append(invalid, segmentFlags(fs, &c.opts)...)
	if fs.Changed("stage") {
		raw, _ := fs.GetStringArray("stage")
		stages, err := parseStages(raw)
		if err != nil {
			errs = append(errs, "--stage: "+err.Error())
		} else {
			c.opts.Stages = stages
		}
	}
	for _, f := range []struct {
		name string
		dst  **bool
	}{{"no-setup", &c.opts.NoSetup}, {"no-teardown", &c.opts.NoTeardown}} {
		if fs.Changed(f.name) {
			v, _ := fs.GetBool(f.name)
			*f.dst = &v
		}
	}
	if fs.Changed("system-tags") {
		s, _ := fs.GetString("system-tags")
		c.opts.SystemTags = []string{}
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				c.opts.SystemTags = append(c.opts.SystemTags, t)
			}
		}
	}
	switch c.logFormat {
	case "", "logfmt", "text", "json", "raw":
	default:
		errs = append(errs, fmt.Sprintf("--log-format %q: want logfmt, json or raw", c.logFormat))
	}
	if _, err := logging.ParseOutput(c.logOutput); err != nil {
		errs = append(errs, "--log-output: "+err.Error())
	}
	switch c.compatMode {
	case "extended", "base", "experimental_enhanced":
	default:
		errs = append(errs, fmt.Sprintf("--compatibility-mode %q: want extended, base or experimental_enhanced", c.compatMode))
	}
	if err := checkSummaryMode(c.summaryMode); err != nil {
		invalid = append(invalid, "--summary-mode: "+err.Error()) // an invalid option (104), as the corpus has it
	}
	for _, kv := range c.env {
		if !strings.Contains(kv, "=") {
			errs = append(errs, fmt.Sprintf("--env %q: want KEY=VALUE", kv))
		}
	}
	if len(c.tags) > 0 {
		c.opts.Tags = map[string]string{}
		for _, kv := range c.tags {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				errs = append(errs, fmt.Sprintf("--tag %q: want NAME=VALUE", kv))
				continue
			}
			c.opts.Tags[k] = v
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n  - %s", errBadFlags, strings.Join(append(errs, invalid...), "\n  - "))
	}
	if len(invalid) > 0 {
		return nil, fmt.Errorf("%w:\n  - %s", options.ErrInvalid, strings.Join(invalid, "\n  - "))
	}
	return c, nil
}

// segmentFlags reads --execution-segment and --execution-segment-sequence into the options. A
// value k6 would refuse is an invalid option (exit 104), named with its flag; whether the segment
// is one of the sequence's is checked once every layer of options is merged, since either may
// come from the script.
func segmentFlags(fs *pflag.FlagSet, o *options.Options) []string {
	var invalid []string
	if fs.Changed("execution-segment") {
		s, _ := fs.GetString("execution-segment")
		if _, err := options.ParseSegment(s); err != nil && strings.TrimSpace(s) != "" {
			invalid = append(invalid, fmt.Sprintf("--execution-segment %q: %v", s, err))
		} else {
			o.ExecutionSegment = &s
		}
	}
	if fs.Changed("execution-segment-sequence") {
		s, _ := fs.GetString("execution-segment-sequence")
		if _, err := options.ParseSegmentSequence(s); err != nil && strings.TrimSpace(s) != "" {
			invalid = append(invalid, fmt.Sprintf("--execution-segment-sequence %q: %v", s, err))
		} else {
			o.ExecutionSegmentSequence = &s
		}
	}
	if len(invalid) == 0 && o.ExecutionSegment != nil && o.ExecutionSegmentSequence != nil {
		if _, err := options.ParseTuple(*o.ExecutionSegment, *o.ExecutionSegmentSequence); err != nil {
			invalid = append(invalid, "--execution-segment: "+err.Error())
		}
	}
	return invalid
}

// errBadFlags marks a command line whose flags parse but whose values do not (k6 exits 255
// for those, as for an unknown flag).
var errBadFlags = errors.New("invalid command-line flags")

// parseStages reads k6's --stage values: DURATION:TARGET, each flag holding one or more
// separated by commas.
func parseStages(raw []string) ([]options.Stage, error) {
	var out []options.Stage
	for _, r := range raw {
		for _, s := range strings.Split(r, ",") {
			d, t, ok := strings.Cut(strings.TrimSpace(s), ":")
			if !ok {
				return nil, fmt.Errorf("%q: want DURATION:TARGET, e.g. 30s:10", s)
			}
			dur, err := options.ParseDuration(d)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", s, err)
			}
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%q: the target %q is not a whole number of VUs", s, t)
			}
			out = append(out, options.Stage{Duration: dur, Target: n})
		}
	}
	return out, nil
}

// envOptions reads the K6_* variables k6 documents for the options this host has.
func envOptions(env map[string]string) (options.Options, error) {
	var o options.Options
	var errs []string
	if s, ok := env["K6_VUS"]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("K6_VUS=%q: not a whole number", s))
		}
		o.VUs = &v
	}
	if s, ok := env["K6_DURATION"]; ok {
		d, err := options.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("K6_DURATION: %v", err))
		}
		o.Duration = &d
	}
	if s, ok := env["K6_ITERATIONS"]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("K6_ITERATIONS=%q: not a whole number", s))
		}
		o.Iterations = &v
	}
	if s, ok := env["K6_SUMMARY_TIME_UNIT"]; ok {
		o.SummaryTimeUnit = &s
	}
	if s, ok := env["K6_SUMMARY_TREND_STATS"]; ok {
		o.SummaryTrendStats = strings.Split(s, ",")
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("%w:\n  - %s", options.ErrInvalid, strings.Join(errs, "\n  - "))
	}
	return o, nil
}

// loggers makes the run's logger as k6's --log-format, --log-output, -v and --no-color say,
// and console.log's own when --console-output names a file. close closes the files.
func (c *runConfig) loggers(gs *GlobalState) (logger, console *slog.Logger, closeAll func(), err error) {
	level := slog.LevelInfo
	if c.verbose {
		level = slog.LevelDebug
	}
	closeAll = func() {
		for _, f := range c.files {
			_ = f.Close()
		}
	}
	spec := c.logOutput
	if spec == "" {
		spec = "stderr" // the worker has no --log-output
	}
	out, err := logging.ParseOutput(spec)
	if err != nil {
		return nil, nil, closeAll, fmt.Errorf("--log-output: %w", err)
	}
	var w io.Writer
	tty := false
	switch out.Kind {
	case "stdout":
		w, tty = gs.Stdout, gs.StdoutTTY
	case "none":
		w = io.Discard
	case "file":
		f, err := os.OpenFile(out.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, nil, closeAll, fmt.Errorf("--log-output: %w", err)
		}
		c.files = append(c.files, f)
		w = f
	default:
		w, tty = gs.Stderr, gs.StderrTTY
	}
	format := c.format(tty)
	_, noColorEnv := gs.Env["NO_COLOR"]
	logger = logging.NewFormat(w, slog.LevelDebug, format, tty && !c.noColor && !noColorEnv)
	logger = slog.New(levelFilter{logger.Handler(), level})
	if c.consoleOutput != "" {
		c.opts.ConsoleOutput = &c.consoleOutput // so the options (exec.test.options) show it
		f, err := os.OpenFile(c.consoleOutput, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			closeAll()
			return nil, nil, func() {}, fmt.Errorf("--console-output: %w", err)
		}
		c.files = append(c.files, f)
		// A file is never a terminal: k6 writes it in its text format without colours.
		console = logging.NewFormat(f, level, c.format(false), false)
	}
	return logger, console, closeAll, nil
}

// format is the log format for a writer that is (or is not) a terminal: k6's text format
// is the bracketed one on a terminal and logfmt elsewhere.
func (c *runConfig) format(tty bool) logging.Format {
	switch c.logFormat {
	case "json":
		return logging.FormatJSON
	case "raw":
		return logging.FormatRaw
	}
	if tty {
		return logging.FormatTerminal
	}
	return logging.FormatLogfmt
}

// levelFilter drops records below level (-v lowers it to debug).
type levelFilter struct {
	slog.Handler
	level slog.Level
}

func (l levelFilter) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.level && l.Handler.Enabled(ctx, lv)
}

func (l levelFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFilter{l.Handler.WithAttrs(as), l.level}
}

func (l levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{l.Handler.WithGroup(n), l.level}
}

// lingerAfter is --linger for a run without the control API: once the run has ended
// (summary printed, outputs flushed) the process stays until Ctrl-C and then exits with the
// run's code.
func (r *testRun) lingerAfter(code int) int {
	r.linger(false)
	return code
}

// linger waits, once, for Ctrl-C after the run, as k6's --linger does; not when a signal
// already stopped the run. watching says the run's signal watch is still on (the control
// API is up then and stays up while this waits).
func (r *testRun) linger(watching bool) {
	if !r.cfg.linger || r.lingered || r.gs.Signals == nil || r.signalled() {
		return
	}
	r.lingered = true
	r.logger.Info("Linger set; waiting for Ctrl+C to fully exit...")
	if !watching {
		<-r.gs.Signals
		return
	}
	done := make(chan struct{})
	var once sync.Once
	r.onSignal(func(int) { once.Do(func() { close(done) }) })
	<-done
}

// mergeWarning layers the options (config file, script, environment, flags) and, as k6
// does, warns each time a layer's duration, iterations, stages or scenarios replace
// scenarios that a lower layer defined, with k6's words.
func (r *testRun) mergeWarning(file, script, env, flags options.Options) options.Options {
	merged := file
	for _, l := range []struct {
		name string
		o    options.Options
	}{{"script", script}, {"env", env}, {"cli", flags}} {
		if merged.Scenarios != nil && (l.o.Duration != nil || l.o.Iterations != nil || l.o.Stages != nil || l.o.Scenarios != nil) {
			r.logger.Warn(fmt.Sprintf("%q level configuration overrode scenarios configuration entirely", l.name))
		}
		merged = merged.Apply(l.o)
	}
	return merged
}

// consoleOutputOption applies the consoleOutput option when it comes from the script, the
// config file or the environment rather than --console-output (whose file is open already):
// console.* from then on goes to that file, as in k6.
func (r *testRun) consoleOutputOption() int {
	path := r.opts.ConsoleOutput
	if r.cfg.consoleOutput != "" || path == nil || *path == "" {
		return ExitOK
	}
	f, err := os.OpenFile(*path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return r.fail(ExitInvalidConfig, "%v: consoleOutput: %v", options.ErrInvalid, err)
	}
	r.cfg.files = append(r.cfg.files, f)
	level := slog.LevelInfo
	if r.cfg.verbose {
		level = slog.LevelDebug
	}
	r.consoleLogger = logging.NewFormat(f, level, r.cfg.format(false), false)
	if r.runner != nil {
		r.runner.ConsoleLogger = r.consoleLogger
	}
	return ExitOK
}
