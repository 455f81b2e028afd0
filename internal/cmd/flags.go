package cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// runConfig is what the run flags say.
type runConfig struct {
	opts          options.Options // only the options the flags set
	env           []string
	tags          []string
	quiet         bool
	noSummary     bool
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
	fs.StringVar(&c.summaryExport, "summary-export", "", "write the end-of-test summary as JSON (k6's older flat format) to FILE")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no progress output")
	fs.BoolVar(&c.noColor, "no-color", false, "no colours in the output")
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
	var errs []string
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
		if err != nil {
			errs = append(errs, fmt.Sprintf("--duration: %v", err))
		} else {
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
		return nil, fmt.Errorf("%w:\n  - %s", options.ErrInvalid, strings.Join(errs, "\n  - "))
	}
	return c, nil
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
