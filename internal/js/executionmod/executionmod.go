// Package executionmod is the `k6/execution` module: what a script can know about the run
// while it runs (its VU, scenario and instance) and test.abort().
package executionmod

import (
	"errors"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// hostVU is the host's VU, which knows its execution state.
type hostVU interface {
	Exec() js.ExecState
	Runner() *js.Runner
}

// ErrAborted is the interrupt a test.abort() raises.
var ErrAborted = errors.New("test aborted by the script")

// exports builds the object one VU imports. Its properties are getters: they read the VU's
// state when the script asks.
func exports(vu modules.VU) modules.Exports {
	rt := vu.Runtime()
	host, _ := vu.(hostVU)
	getters := func(props map[string]func() any) *sobek.Object {
		o := rt.NewObject()
		for name, get := range props {
			_ = o.DefineAccessorProperty(name, rt.ToValue(func() any { return get() }), nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
		}
		return o
	}
	exec := func() js.ExecState {
		if host == nil {
			return js.ExecState{}
		}
		return host.Exec()
	}
	inst := func() js.InstanceState {
		if host == nil || host.Runner().Instance == nil {
			return js.InstanceState{}
		}
		return host.Runner().Instance()
	}
	var seg *segmentIDs // read from the run's options when first asked
	inTest := func() *segmentIDs {
		if seg == nil && host != nil && len(host.Runner().Options) > 0 {
			seg = newSegmentIDs(host.Runner().Options)
		}
		return seg
	}
	execution := rt.NewObject()
	vuObj := getters(map[string]func() any{
		"idInInstance":        func() any { return exec().VUID },
		"idInTest":            func() any { return inTest().vuID(exec().VUID) },
		"iterationInInstance": func() any { return exec().IterationInInstance },
		"iterationInScenario": func() any { return exec().IterationInScenario },
	})
	// vu.tags and vu.metrics.tags are one object, as in k6; both read and write the VU's
	// current tags, so what a script sets lands on every sample the VU emits afterwards.
	tags := rt.NewDynamicObject(&tagsObject{vu: vu})
	_ = vuObj.Set("tags", tags)
	vuMetrics := rt.NewObject()
	_ = vuMetrics.Set("tags", tags)
	_ = vuMetrics.Set("metadata", rt.NewDynamicObject(&metadataObject{vu: vu}))
	_ = vuObj.Set("metrics", vuMetrics)
	_ = execution.Set("vu", vuObj)
	_ = execution.Set("scenario", getters(map[string]func() any{
		"name":     func() any { return exec().Scenario.Name },
		"executor": func() any { return exec().Scenario.Executor },
		"startTime": func() any {
			st := exec().Scenario.StartTime
			if st.IsZero() {
				return 0
			}
			return st.UnixMilli()
		},
		"progress": func() any {
			if p := exec().Scenario.Progress; p != nil {
				return p()
			}
			return 0
		},
		// The host numbers a scenario's iterations in this instance; the scenario turns
		// that into the number across the instances of an execution segment sequence.
		"iterationInInstance": func() any { return exec().ScenarioIterationInTest },
		"iterationInTest": func() any {
			e := exec()
			if f := e.Scenario.IterationInTest; f != nil && e.ScenarioIterationInTest >= 0 {
				return f(e.ScenarioIterationInTest)
			}
			return e.ScenarioIterationInTest
		},
	}))
	_ = execution.Set("instance", getters(map[string]func() any{
		"iterationsCompleted":   func() any { return inst().IterationsCompleted },
		"iterationsInterrupted": func() any { return inst().IterationsInterrupted },
		"vusActive":             func() any { return inst().VUsActive },
		"vusInitialized":        func() any { return inst().VUsInitialized },
		"currentTestRunDuration": func() any {
			if s := inst().Start; !s.IsZero() {
				return float64(time.Since(s)) / float64(time.Millisecond)
			}
			return 0
		},
	}))
	test := rt.NewObject()
	_ = test.Set("abort", func(call sobek.FunctionCall) sobek.Value {
		reason := "test.abort() called"
		if a := call.Argument(0); !sobek.IsUndefined(a) {
			reason = a.String()
		}
		if host != nil && host.Runner().Abort != nil {
			host.Runner().Abort(reason)
		}
		// Interrupting (not throwing) means a try/catch in the script cannot swallow it.
		rt.Interrupt(ErrAborted)
		return sobek.Undefined()
	})
	_ = test.Set("fail", func(call sobek.FunctionCall) sobek.Value {
		// k6 marks the run as failed and lets it go on: the iteration continues, and the
		// run ends with exit code 110 once everything (summary, outputs) is done.
		msg := ""
		if a := call.Argument(0); !sobek.IsUndefined(a) && !sobek.IsNull(a) {
			msg = a.String()
		}
		if host != nil && host.Runner().Fail != nil {
			host.Runner().Fail(msg)
		}
		return sobek.Undefined()
	})
	var options *sobek.Object // built once per VU: the options do not change while it runs
	_ = test.DefineAccessorProperty("options", rt.ToValue(func() sobek.Value {
		if host == nil || len(host.Runner().Options) == 0 {
			return sobek.Null()
		}
		if options == nil {
			o, err := optionsObject(rt, host.Runner().Options)
			if err != nil {
				panic(rt.NewGoError(err))
			}
			options = o
		}
		return options
	}), nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	_ = execution.Set("test", test)
	named := map[string]any{}
	for _, k := range execution.Keys() {
		named[k] = execution.Get(k)
	}
	return modules.Exports{Default: execution, Named: named}
}
