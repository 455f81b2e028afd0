package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/csvout"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/dashboard"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/jsonout"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/promrw"
	"github.com/xk6-neo4j/xk6-neo4j/internal/summary"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// outputTable is the one place where --out names meet outputs.
func outputTable() map[string]output.Constructor {
	return map[string]output.Constructor{
		"json":      jsonout.New,
		"csv":       csvout.New,
		promrw.Name: promrw.New,
		// The dashboard is usually turned on with --dashboard / --report; this name is k6's.
		"web-dashboard": dashboard.New,
	}
}

// makeOutputs builds the --out outputs; every bad one is reported at once.
func (r *testRun) makeOutputs(specs []string) ([]output.Output, error) {
	table := outputTable()
	// Threshold expressions by key as configured ("metric" or "metric{tag:v}"); they parsed
	// already, in setThresholds.
	ths := map[string][]string{}
	parsed, _ := metrics.ParseThresholds(r.opts.Thresholds)
	for _, mt := range parsed {
		for _, th := range mt.List {
			ths[mt.Key] = append(ths[mt.Key], th.Source)
		}
	}
	var outs []output.Output
	var errs []error
	for _, spec := range specs {
		name, arg, _ := strings.Cut(spec, "=")
		ctor, ok := table[name]
		if !ok {
			known := make([]string, 0, len(table))
			for n := range table {
				known = append(known, n)
			}
			sort.Strings(known)
			errs = append(errs, fmt.Errorf("--out %q: unknown output %q (known: %s)", spec, name, strings.Join(known, ", ")))
			continue
		}
		o, err := ctor(output.Params{Arg: arg, Env: r.gs.Env, Stdout: r.gs.Stdout, Logger: r.logger, Thresholds: ths, Tags: r.opts.Tags})
		if err != nil {
			errs = append(errs, fmt.Errorf("--out %q: %w", spec, err))
			continue
		}
		outs = append(outs, o)
	}
	if d, err := r.makeDashboard(); err != nil {
		errs = append(errs, err)
	} else if d != nil {
		outs = append(outs, d)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n  - %w", options.ErrInvalid, joinLines(errs))
	}
	return outs, nil
}

// makeDashboard builds the live dashboard and HTML report when --dashboard, --report or
// k6's K6_WEB_DASHBOARD* variables ask for them; flags win over the environment.
func (r *testRun) makeDashboard() (output.Output, error) {
	on, err := dashboard.Enabled(r.gs.Env)
	if err != nil {
		return nil, err
	}
	if !on && !r.cfg.dashboard && r.cfg.report == "" {
		return nil, nil
	}
	c, err := dashboard.ParseConfig("", r.gs.Env)
	if err != nil {
		return nil, err
	}
	if r.cfg.report != "" {
		c.Export = r.cfg.report
	}
	switch {
	case r.cfg.dashboardPort != -2:
		c.Port = r.cfg.dashboardPort
	case !r.cfg.dashboard && !on:
		c.Port = -1 // --report alone: the file, no server
	}
	c.Logger = r.logger
	c.Title = filepath.Base(r.cfg.script)
	if root := r.neo4j; root != nil {
		// The servers tested and the query plans, for the report; finish waits for the
		// plans still being read before the last snapshot.
		c.RunInfo = func() any {
			if !root.Imported() {
				return nil
			}
			return root.Report()
		}
	}
	c.Thresholds = func() []dashboard.ThresholdResult {
		rs := r.engine.EvaluateThresholds()
		out := make([]dashboard.ThresholdResult, len(rs))
		for i, t := range rs {
			out[i] = dashboard.ThresholdResult{Key: t.Key, Source: t.Threshold.Source, Pass: t.Pass,
				Value: t.Threshold.Agg + "=" + summary.FormatAggregate(t.Metric, t.Threshold.Agg, t.Value)}
		}
		return out
	}
	d, err := dashboard.NewOutput(c)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}

// serversTo writes the servers the run's neo4j module reaches to the --out json outputs:
// those known already (connected in init) at once, so that they come before any sample
// once the outputs start, and each later one when it is learned.
func (r *testRun) serversTo(outs []output.Output) {
	var jsons []*jsonout.Output
	for _, o := range outs {
		if j, ok := o.(*jsonout.Output); ok {
			jsons = append(jsons, j)
		}
	}
	if r.neo4j == nil || len(jsons) == 0 {
		return
	}
	r.neo4j.OnServer(func(s neo4j.ServerInfo) {
		for _, j := range jsons {
			j.AddServer(s)
		}
	})
}

type lineErrs []error

func (l lineErrs) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n  - ")
}

func (l lineErrs) Unwrap() []error { return l }

func joinLines(errs []error) error { return lineErrs(errs) }

// startOutputs starts each output; the first that fails stops the others.
func startOutputs(outs []output.Output) error {
	for i, o := range outs {
		if err := o.Start(); err != nil {
			for _, started := range outs[:i] {
				_ = started.Stop()
			}
			return fmt.Errorf("starting output %s: %w", o.Description(), err)
		}
	}
	return nil
}

func stopOutputs(outs []output.Output) error {
	return stopOutputsWithin(outs, outputStopLimit)
}

// outputStopLimit bounds how long the outputs may take to flush and close at the end: a
// file on a disk (or a pipe) that no longer takes writes must not keep the summary, and the
// exit, waiting for ever.
const outputStopLimit = 7 * time.Second

// stopOutputsWithin stops every output at once and waits at most limit for them; one that
// has not finished by then is named in the error and left behind.
func stopOutputsWithin(outs []output.Output, limit time.Duration) error {
	errs := make([]error, len(outs))
	stopped := make([]atomic.Bool, len(outs))
	var wg sync.WaitGroup
	for i, o := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer stopped[i].Store(true)
			if err := o.Stop(); err != nil {
				errs[i] = fmt.Errorf("output %s: %w", o.Description(), err)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return errors.Join(errs...)
	case <-time.After(limit):
		var stuck []string
		for i, o := range outs {
			if !stopped[i].Load() {
				stuck = append(stuck, o.Description())
			}
		}
		return fmt.Errorf("output %s did not finish within %s (a disk, pipe or endpoint that takes no more data): the samples it had not written are dropped (counted in the summary)", strings.Join(stuck, ", "), limit)
	}
}

// checkOutputPaths refuses, before the script's init code runs, every output file that
// could not be written at the end: a folder that does not exist or is not writable would
// otherwise be found only after the whole test, its results lost.
func (r *testRun) checkOutputPaths() error {
	var errs []error
	check := func(what, path string) {
		if err := checkWritable(path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	if p := r.cfg.summaryExport; p != "" {
		check("--summary-export "+p, p)
	}
	if p := r.cfg.report; p != "" {
		check("--report "+p, p)
	} else if p := r.gs.Env[dashboard.EnvExport]; p != "" {
		check(dashboard.EnvExport+"="+p, p)
	}
	for _, spec := range append(splitEnvList(r.gs.Env["K6_OUT"]), r.cfg.outs...) {
		name, arg, _ := strings.Cut(spec, "=")
		path := ""
		switch name {
		case "json":
			path = arg
		case "csv":
			if c, err := csvout.ParseConfig(arg, r.gs.Env); err == nil { // a bad one is reported with the outputs
				path = c.FileName
			}
		}
		if path != "" && path != "-" {
			check(fmt.Sprintf("--out %s (output %s, file %s)", spec, name, path), path)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w:\n  - %w", options.ErrInvalid, joinLines(errs))
	}
	return nil
}

// checkWritable reports why a file could not be made at path, without touching the file
// itself: its folder must exist and take a new file, and path must not be a folder.
func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder, not a file", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("cannot write %s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("cannot write %s: %s is not a folder", path, dir)
	}
	f, err := os.CreateTemp(dir, ".xk6-neo4j-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: the folder %s does not take new files (%v)", path, dir, errors.Unwrap(err))
	}
	f.Close()
	_ = os.Remove(f.Name())
	return nil
}
