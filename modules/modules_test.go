package modules_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/modules"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// A module made with FromExports builds exports once for each VU that imports it, from
// NewModuleInstance (so init-time work such as registering metrics happens then), with
// that VU, and gives the same exports every time the instance is asked.
func TestFromExportsBuildsExportsOncePerVU(t *testing.T) {
	var calls []modules.VU
	m := modules.FromExports(func(vu modules.VU) modules.Exports {
		calls = append(calls, vu)
		return modules.Exports{
			Default: vu.Runtime().NewObject(),
			Named:   map[string]any{"n": len(calls)},
		}
	})

	vu1, vu2 := modulestest.NewVU(t), modulestest.NewVU(t)
	inst1 := m.NewModuleInstance(vu1)
	if len(calls) != 1 || calls[0] != vu1 {
		t.Fatalf("after the first VU's NewModuleInstance: exports called with %v, want once with that VU", calls)
	}
	inst2 := m.NewModuleInstance(vu2)
	if len(calls) != 2 || calls[1] != vu2 {
		t.Fatalf("after the second VU's NewModuleInstance: exports called with %v, want once more with that VU", calls)
	}

	first, again := inst1.Exports(), inst1.Exports()
	if len(calls) != 2 {
		t.Fatalf("Exports() called exports again: %d calls, want 2", len(calls))
	}
	if first.Default != again.Default || first.Named["n"] != 1 || again.Named["n"] != 1 {
		t.Errorf("the first VU's exports changed between calls: %v then %v", first, again)
	}
	if got := inst2.Exports(); got.Named["n"] != 2 || got.Default == first.Default {
		t.Errorf("the second VU got %v, want its own exports (n=2)", got)
	}
}

// Shared makes a key's value once, however many VUs ask at the same time, and hands the
// same result, error included, to every caller.
func TestSharedMakesEachKeyOnce(t *testing.T) {
	var s modules.Shared[string, *int]
	var made atomic.Int32
	var wg sync.WaitGroup
	got := make([]*int, 20)
	for i := range got {
		wg.Go(func() {
			got[i], _ = s.Get("a", func() (*int, error) { made.Add(1); n := 7; return &n, nil })
		})
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("made %d times, want once", made.Load())
	}
	for _, p := range got {
		if p != got[0] {
			t.Fatal("callers got different values")
		}
	}
	boom := errors.New("boom")
	for range 2 {
		if _, err := s.Get("b", func() (*int, error) { return nil, boom }); err != boom {
			t.Fatalf("err %v, want the first make's", err)
		}
	}
}
