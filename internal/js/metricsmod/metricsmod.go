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
			return rt.ToValue(add(vu, m, c.Arguments))
		})
		return nil
	}
}

// add pushes one sample with the VU's tags and the call's. As in k6, a value that is not a
// number is logged as a warning and dropped, and the iteration goes on: a bad sample must
// not end a load test. Numeric strings count ('5' adds 5), true is 1, false is 0.
func add(vu modules.VU, m *metrics.Metric, args []sobek.Value) bool {
	rt := vu.Runtime()
	state := vu.State()
	if state == nil {
		panic(rt.NewGoError(fmt.Errorf("%s.add() cannot be called in the init context", m.Name)))
	}
	warn := func(msg string) bool {
		if state.Logger != nil {
			state.Logger.Warn(msg)
		}
		return false
	}
	if len(args) == 0 {
		return warn(fmt.Sprintf("no value was provided for metric '%s', a number or a boolean value is expected", m.Name))
	}
	v := args[0]
	f := math.NaN()
	if !sobek.IsNull(v) {
		f = v.ToFloat()
		if f == 0 && v.ToBoolean() {
			f = 1 // a non-empty, non-numeric value that is truthy: k6 counts it as true
		}
	}
	if math.IsNaN(f) {
		return warn(fmt.Sprintf("'%s' is an invalid value for metric '%s', a number or a boolean value is expected",
			shorten(v.String()), m.Name))
	}
	ts := state.Tags
	if len(args) > 1 {
		if o, ok := args[1].(*sobek.Object); ok {
			for _, k := range o.Keys() {
				ts = ts.With(k, o.Get(k).String())
			}
		}
	}
	metrics.PushIfNotDone(vu.Context(), state.Samples, metrics.Sample{Metric: m, Tags: ts, Time: time.Now(), Value: f, Metadata: state.Metadata})
	return true
}

// shorten keeps a warning about a huge value (a whole response body) readable.
func shorten(s string) string {
	const keep = 100
	r := []rune(s)
	if len(r) <= keep {
		return s
	}
	return fmt.Sprintf("%s... omitting %d characters ...%s", string(r[:keep/2]), len(r)-keep, string(r[len(r)-keep/2:]))
}
