// Package datamod is the `k6/data` module: SharedArray, data loaded once for the whole run
// and read by every VU without a copy of its own.
package datamod

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// RootModule holds the run's shared arrays by name: each one's elements as JSON, made once
// by the first VU that asks.
type RootModule struct {
	arrays modules.Shared[string, []json.RawMessage]
}

// New returns the module.
func New() *RootModule { return &RootModule{} }

var _ modules.Module = (*RootModule)(nil)

type instance struct {
	root *RootModule
	vu   modules.VU
}

// NewModuleInstance implements modules.Module.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &instance{root: r, vu: vu}
}

// Exports implements modules.Instance.
func (mi *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"SharedArray": mi.sharedArray}}
}

// sharedArray is `new SharedArray(name, fn)`: fn runs once per run, in the first VU's init;
// its array is kept as JSON and each VU reads elements from that one copy. The array is
// read-only.
func (mi *instance) sharedArray(call sobek.ConstructorCall) *sobek.Object {
	rt := mi.vu.Runtime()
	fail := func(err error) { panic(rt.NewGoError(err)) }
	if mi.vu.InitEnv() == nil {
		fail(errors.New("SharedArray must be created in the init context (at the top of the script)"))
	}
	name := call.Argument(0).String()
	if name == "" || sobek.IsUndefined(call.Argument(0)) {
		fail(errors.New("SharedArray needs a name: new SharedArray('users', () => [...])"))
	}
	fn, ok := sobek.AssertFunction(call.Argument(1))
	if !ok {
		fail(fmt.Errorf("SharedArray %q: the second argument must be a function that returns an array", name))
	}
	items, err := mi.root.arrays.Get(name, func() ([]json.RawMessage, error) {
		v, err := fn(sobek.Undefined())
		if err != nil {
			return nil, err
		}
		obj, ok := v.(*sobek.Object)
		if !ok || obj.ClassName() != "Array" {
			return nil, fmt.Errorf("SharedArray %q: the function must return an array", name)
		}
		n := int(obj.Get("length").ToInteger())
		items := make([]json.RawMessage, n)
		for i := range n {
			b, err := json.Marshal(obj.Get(fmt.Sprint(i)).Export())
			if err != nil {
				return nil, fmt.Errorf("SharedArray %q: element %d cannot be shared: %w", name, i, err)
			}
			items[i] = b
		}
		return items, nil
	})
	if err != nil {
		fail(err)
	}
	return rt.NewDynamicArray(&view{rt: rt, items: items, name: name})
}

// view is one VU's read-only window on a shared array.
type view struct {
	rt    *sobek.Runtime
	items []json.RawMessage
	name  string
}

func (v *view) Len() int { return len(v.items) }

func (v *view) Get(i int) sobek.Value {
	if i < 0 || i >= len(v.items) {
		return sobek.Undefined()
	}
	var x any
	_ = json.Unmarshal(v.items[i], &x) // made by json.Marshal
	return v.rt.ToValue(x)
}

func (v *view) Set(int, sobek.Value) bool {
	panic(v.rt.NewTypeError(fmt.Sprintf("SharedArray %q is read-only", v.name)))
}

func (v *view) SetLen(int) bool {
	panic(v.rt.NewTypeError(fmt.Sprintf("SharedArray %q is read-only", v.name)))
}
