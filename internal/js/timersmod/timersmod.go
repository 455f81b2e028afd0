// Package timersmod is `k6/timers`: setTimeout, clearTimeout, setInterval and
// clearInterval on the VU's event loop. The same functions are globals, as in k6.
package timersmod

import (
	"errors"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/eventloop"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsvalue"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the path scripts import the module by.
const ImportPath = "k6/timers"

// LoopVU is a VU with an event loop (the host's VUs are).
type LoopVU interface {
	modules.VU
	EventLoop() *eventloop.Loop
}

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// exports builds one VU's timer functions, on its event loop.
func exports(vu modules.VU) modules.Exports {
	lv, ok := vu.(LoopVU)
	if !ok {
		// Only a host without an event loop gets here; every call then says so.
		fail := func(sobek.FunctionCall) sobek.Value {
			panic(vu.Runtime().NewGoError(errors.New("k6/timers: this host runs no event loop")))
		}
		return modules.Exports{Named: map[string]any{"setTimeout": fail, "clearTimeout": fail, "setInterval": fail, "clearInterval": fail}}
	}
	return modules.Exports{Named: Functions(vu.Runtime(), lv.EventLoop())}
}

// Functions returns the four timer functions bound to loop, by name.
func Functions(rt *sobek.Runtime, loop *eventloop.Loop) map[string]any {
	set := func(name string, repeat bool) func(sobek.FunctionCall) sobek.Value {
		return func(call sobek.FunctionCall) sobek.Value {
			fn, ok := sobek.AssertFunction(call.Argument(0))
			if !ok {
				panic(rt.NewTypeError(fmt.Sprintf("%s(): the first argument must be a function, not %s", name, jsvalue.Describe(call.Argument(0)))))
			}
			var args []sobek.Value
			if len(call.Arguments) > 2 {
				args = append(args, call.Arguments[2:]...)
			}
			return rt.ToValue(loop.SetTimer(fn, eventloop.Delay(call.Argument(1)), repeat, args))
		}
	}
	clearFn := func(call sobek.FunctionCall) sobek.Value {
		id := call.Argument(0)
		if !sobek.IsUndefined(id) && !sobek.IsNull(id) {
			loop.ClearTimer(id.ToInteger())
		}
		return sobek.Undefined()
	}
	return map[string]any{
		"setTimeout":    set("setTimeout", false),
		"setInterval":   set("setInterval", true),
		"clearTimeout":  clearFn,
		"clearInterval": clearFn,
	}
}
