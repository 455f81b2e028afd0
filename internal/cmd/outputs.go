package cmd

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/csvout"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/jsonout"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/promrw"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// outputTable is the one place where --out names meet outputs.
func outputTable() map[string]output.Constructor {
	return map[string]output.Constructor{
		"json":      jsonout.New,
		"csv":       csvout.New,
		promrw.Name: promrw.New,
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
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n  - %w", options.ErrInvalid, joinLines(errs))
	}
	return outs, nil
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
	var errs []error
	for _, o := range outs {
		if err := o.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("output %s: %w", o.Description(), err))
		}
	}
	return errors.Join(errs...)
}
