// Package metricsmod is the `k6/metrics` module: custom Counter, Gauge, Rate and Trend
// metrics that scripts create in the init context and add to while iterations run.
package metricsmod

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// RootModule is created once per run.
type RootModule struct{}

// New returns the module.
func New() *RootModule { return &RootModule{} }

var _ modules.Module = (*RootModule)(nil)

type instance struct{ vu modules.VU }

// NewModuleInstance implements modules.Module.
func (*RootModule) NewModuleInstance(vu modules.VU) modules.Instance { return &instance{vu: vu} }

// Exports implements modules.Instance.
func (mi *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"Counter": mi.constructor(metrics.Counter),
		"Gauge":   mi.constructor(metrics.Gauge),
		"Rate":    mi.constructor(metrics.Rate),
		"Trend":   mi.constructor(metrics.Trend),
	}}
}

func (mi *instance) constructor(t metrics.MetricType) func(sobek.ConstructorCall) *sobek.Object {
	return func(call sobek.ConstructorCall) *sobek.Object {
		rt := mi.vu.Runtime()
		fail := func(err error) { panic(rt.NewGoError(err)) }
		env := mi.vu.InitEnv()
		if env == nil {
			fail(fmt.Errorf("metrics must be created in the init context (at the top of the script), not in a VU"))
		}
		name := call.Argument(0)
		if name == nil || sobek.IsUndefined(name) {
			fail(errors.New("a metric needs a name: new Trend('my_metric')"))
		}
		vt := metrics.Default
		if call.Argument(1).ToBoolean() {
			vt = metrics.Time
		}
		m, err := env.Registry.NewMetric(name.String(), t, vt)
		if err != nil {
			fail(err)
		}
		o := call.This
		_ = o.Set("name", m.Name)
		_ = o.Set("add", func(c sobek.FunctionCall) sobek.Value {
			mi.add(m, c.Argument(0), c.Argument(1))
			return rt.ToValue(true)
		})
		return nil
	}
}

// add pushes one sample with the VU's tags and the call's.
func (mi *instance) add(m *metrics.Metric, v, tags sobek.Value) {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		panic(rt.NewGoError(fmt.Errorf("%s.add() cannot be called in the init context", m.Name)))
	}
	var f float64
	switch x := v.Export().(type) {
	case bool:
		if x {
			f = 1
		}
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		panic(rt.NewGoError(fmt.Errorf("%s.add(%s): the value must be a number or a boolean", m.Name, v.String())))
	}
	if math.IsNaN(f) {
		panic(rt.NewGoError(fmt.Errorf("%s.add(NaN): the value must be a number", m.Name)))
	}
	ts := state.Tags
	if o, ok := tags.(*sobek.Object); ok {
		for _, k := range o.Keys() {
			ts = ts.With(k, o.Get(k).String())
		}
	}
	metrics.PushIfNotDone(mi.vu.Context(), state.Samples, metrics.Sample{Metric: m, Tags: ts, Time: time.Now(), Value: f})
}
