// Package modulestest gives module authors a VU on a real sobek runtime, without the host:
// import a module into it, run JavaScript in init and in VU context, and read back the
// samples it pushed.
//
//	vu := modulestest.NewVU(t)
//	vu.Import("db", neo4j.New())          // exports bound to the global `db`
//	vu.MoveToVUContext()
//	_, err := vu.Run(`db.connect(...).read("RETURN 1")`)
//	samples := vu.Samples()
package modulestest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// VU implements modules.VU for tests.
type VU struct {
	RT       *sobek.Runtime
	Registry *metrics.Registry
	Env      map[string]string

	ctx     context.Context
	cancel  context.CancelFunc
	initEnv *modules.InitEnvironment
	state   *modules.State
	samples chan metrics.SampleContainer

	collected []metrics.Sample
}

var _ modules.VU = (*VU)(nil)

// NewVU returns a VU in init context whose environment is the process environment. It is
// discarded (its context cancelled) when the test ends.
func NewVU(tb testing.TB) *VU {
	tb.Helper()
	rt := sobek.New()
	rt.SetFieldNameMapper(sobek.UncapFieldNameMapper())
	ctx, cancel := context.WithCancel(context.Background())
	v := &VU{
		RT: rt, Registry: metrics.NewRegistry(), Env: map[string]string{},
		ctx: ctx, cancel: cancel,
		// Tests drain synchronously (Samples), so the buffer bounds what one step may push.
		samples: make(chan metrics.SampleContainer, 1<<16),
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	v.initEnv = &modules.InitEnvironment{
		Registry: v.Registry,
		LookupEnv: func(k string) (string, bool) {
			if val, ok := v.Env[k]; ok {
				return val, true
			}
			return os.LookupEnv(k)
		},
		Logger:   logger,
		ReadFile: os.ReadFile,
		Samples:  v.samples,
		RunTags:  func() *metrics.TagSet { return metrics.NewTagSet(nil) }, // a run with no tags of its own
	}
	tb.Cleanup(v.Discard)
	return v
}

// Context implements modules.VU.
func (v *VU) Context() context.Context { return v.ctx }

// Lifetime implements modules.VU; in tests it is the same as Context.
func (v *VU) Lifetime() context.Context { return v.ctx }

// Runtime implements modules.VU.
func (v *VU) Runtime() *sobek.Runtime { return v.RT }

// InitEnv implements modules.VU.
func (v *VU) InitEnv() *modules.InitEnvironment { return v.initEnv }

// State implements modules.VU.
func (v *VU) State() *modules.State { return v.state }

// Import creates an instance of m for this VU and binds its default export (or, without
// one, its named exports as an object) to the global name.
func (v *VU) Import(global string, m modules.Module) modules.Instance {
	inst := m.NewModuleInstance(v)
	ex := inst.Exports()
	var val any = ex.Default
	if val == nil {
		val = ex.Named
	}
	if err := v.RT.Set(global, val); err != nil {
		panic(err) // a test set-up mistake, not a runtime path
	}
	return inst
}

// MoveToVUContext ends init: InitEnv becomes nil and State is set, VU id 1, iteration 0.
func (v *VU) MoveToVUContext() *modules.State {
	v.initEnv = nil
	v.state = &modules.State{
		VUID: 1, Tags: metrics.NewTagSet(nil), Samples: v.samples,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return v.state
}

// Run evaluates JavaScript source in the VU.
func (v *VU) Run(src string) (sobek.Value, error) { return v.RT.RunString(src) }

// Samples returns every sample pushed so far. Call it from the goroutine that runs the VU.
func (v *VU) Samples() []metrics.Sample {
	for {
		select {
		case c := <-v.samples:
			v.collected = append(v.collected, c.GetSamples()...)
		default:
			return append([]metrics.Sample(nil), v.collected...)
		}
	}
}

// Discard cancels the VU's context, as the host does when a VU ends. Idempotent.
func (v *VU) Discard() {
	v.cancel()
}
