// Package js runs a bundled script: it compiles the program once and makes VUs, each with its
// own sobek runtime, its own module instances and the globals k6 scripts expect (__ENV,
// __VU, __ITER, console, open, require).
package js

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"

	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/eventloop"
	"github.com/xk6-neo4j/xk6-neo4j/internal/loader"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// Runner makes VUs for one script and one run.
type Runner struct {
	Bundle   *loader.Bundle
	Modules  map[string]modules.Module
	Registry *metrics.Registry
	Builtin  *builtin.Metrics
	Env      map[string]string
	Logger   *slog.Logger
	Samples  chan<- metrics.SampleContainer
	// RunTags are the run's tags (options.tags, --tag) once the host has resolved them;
	// modules read them through InitEnvironment.RunTags.
	RunTags atomic.Pointer[metrics.TagSet]
	// ConsoleLogger, when set (--console-output), takes console.log() and friends instead
	// of Logger.
	ConsoleLogger *slog.Logger
	// Recording is set when the init code runs only so that the host can record or inspect
	// the test (archive, inspect): modules see it as InitEnvironment.Recording.
	Recording bool

	program    *sobek.Program
	exceptions exceptionLog

	// Hooks for k6/execution, set by the host before VUs run: Abort stops the test run
	// (test.abort), Instance describes the run, Options is the resolved options as JSON,
	// Fail marks the run as failed and lets it go on (test.fail, exit code 110).
	Abort    func(reason string)
	Fail     func(msg string)
	Instance func() InstanceState
	Options  []byte
}

// InstanceState is k6/execution's `instance`.
type InstanceState struct {
	IterationsCompleted, IterationsInterrupted int64
	VUsActive, VUsInitialized                  int64
	Start                                      time.Time
}

// ErrInit wraps an exception thrown while the script's init code runs (k6's exit code 107).
var ErrInit = errors.New("script exception in init")

// NewRunner compiles the bundle. mods is the table of importable modules, by import path.
func NewRunner(b *loader.Bundle, mods map[string]modules.Module, reg *metrics.Registry, bm *builtin.Metrics,
	env map[string]string, logger *slog.Logger, samples chan<- metrics.SampleContainer,
) (*Runner, error) {
	ast, err := sobek.Parse(b.Path, b.Code, parser.WithSourceMapLoader(func(string) ([]byte, error) {
		return nil, errors.New("external source maps are not used")
	}))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", loader.ErrScript, err)
	}
	prg, err := sobek.CompileAST(ast, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", loader.ErrScript, err)
	}
	return &Runner{Bundle: b, Modules: mods, Registry: reg, Builtin: bm, Env: env, Logger: logger, Samples: samples, program: prg}, nil
}

// NewVU makes a VU and runs the script's init code in it. id is the VU's number (0 for the
// VUs that only serve options, setup, teardown or the summary). The VU lives until Discard.
func (r *Runner) NewVU(id uint64) (*VU, error) {
	return r.NewVUContext(context.Background(), id)
}

// NewVUContext is NewVU, stoppable: when ctx ends while the init code runs (Ctrl-C during
// init), the init code is interrupted and the VU's lifetime ends, which cancels what the
// modules started under it (a connect() to a server that never answers). It then returns
// an error that is ErrInterrupted. Once the init code has run, ctx no longer matters.
func (r *Runner) NewVUContext(ctx context.Context, id uint64) (*VU, error) {
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	rt := sobek.New()
	rt.SetFieldNameMapper(sobek.UncapFieldNameMapper())
	rt.SetMaxCallStackSize(MaxCallStackSize)
	lifetime, discard := context.WithCancel(context.Background())
	vu := &VU{
		ID: id, runner: r, rt: rt,
		lifetime: lifetime, discard: discard, ctx: lifetime,
		instances: make(map[string]*sobek.Object),
		loop:      eventloop.New(rt),
	}
	vu.initEnv = &modules.InitEnvironment{
		Registry:  r.Registry,
		LookupEnv: func(k string) (string, bool) { v, ok := r.Env[k]; return v, ok },
		Logger:    r.Logger,
		ReadFile:  r.readFile,
		Samples:   r.Samples,
		RunTags:   r.RunTags.Load,
		Recording: r.Recording,
	}
	if err := vu.setGlobals(); err != nil {
		discard()
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() {
		rt.Interrupt(ErrInterrupted)
		discard()
	})
	_, err := vu.runProtected(func() (sobek.Value, error) {
		if _, err := rt.RunProgram(r.program); err != nil {
			return nil, err
		}
		// Timers and promises of the init code run before init is over, as in k6.
		return vu.loop.Await(ctx, sobek.Undefined())
	})
	if !stop() || ctx.Err() != nil {
		// Stopped while the init code ran, or just after: whatever the code did then (an
		// exception from a cancelled connect) is a consequence of the stop, not the script's.
		vu.Discard()
		return nil, ErrInterrupted
	}
	if err != nil {
		vu.Discard()
		return nil, fmt.Errorf("%w: %w", ErrInit, err)
	}
	vu.exports = rt.Get("module").ToObject(rt).Get("exports").ToObject(rt)
	vu.initEnv = nil
	return vu, nil
}

// readFile resolves relative paths against the script's folder; the bundle reads the file
// (from the archive, for an archive; noting it, while `archive` records the test).
func (r *Runner) readFile(p string) ([]byte, error) { return r.Bundle.ReadFile(p) }
