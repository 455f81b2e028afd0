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

// New returns the module.
func New() modules.Module {
	return modules.FromExports(func(vu modules.VU) modules.Exports {
		return modules.Exports{Named: map[string]any{
			"Counter": constructor(vu, metrics.Counter),
			"Gauge":   constructor(vu, metrics.Gauge),
			"Rate":    constructor(vu, metrics.Rate),
			"Trend":   constructor(vu, metrics.Trend),
		}}
	})
}

// constructor is `new Counter(name, isTime)` and its siblings, for metrics of type t.
func constructor(vu modules.VU, t metrics.MetricType) func(sobek.ConstructorCall) *sobek.Object {
	return func(call sobek.ConstructorCall) *sobek.Object {
		rt := vu.Runtime()
		fail := func(err error) { panic(rt.NewGoError(err)) }
		env := vu.InitEnv()
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
			add(vu, m, c.Argument(0), c.Argument(1))
			return rt.ToValue(true)
		})
		return nil
	}
}

// add pushes one sample with the VU's tags and the call's.
func add(vu modules.VU, m *metrics.Metric, v, tags sobek.Value) {
	rt := vu.Runtime()
	state := vu.State()
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
	metrics.PushIfNotDone(vu.Context(), state.Samples, metrics.Sample{Metric: m, Tags: ts, Time: time.Now(), Value: f})
}
