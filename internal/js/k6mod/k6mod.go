// Package k6mod is the `k6` module scripts import: check, group, sleep and fail, with k6's
// semantics.
package k6mod

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// instance is the module as one VU sees it: its exports are its methods.
type instance struct {
	vu            modules.VU
	checks        *metrics.Metric
	groupDuration *metrics.Metric
	// groupTags keeps each group's tag set, so samples inside a group share one set per
	// iteration after iteration (the neo4j module caches its tag sets by that pointer).
	groupTags map[groupKey]*metrics.TagSet
}

type groupKey struct {
	parent *metrics.TagSet
	name   string
}

// exports builds one VU's functions; in init it also registers the metrics they record.
func exports(vu modules.VU) modules.Exports {
	mi := &instance{vu: vu, groupTags: map[groupKey]*metrics.TagSet{}}
	if env := vu.InitEnv(); env != nil {
		mi.checks, _ = env.Registry.NewMetric("checks", metrics.Rate)
		mi.groupDuration, _ = env.Registry.NewMetric("group_duration", metrics.Trend, metrics.Time)
	}
	return modules.Exports{Named: map[string]any{
		"check":      mi.check,
		"sleep":      mi.sleep,
		"group":      mi.group,
		"fail":       mi.fail,
		"randomSeed": mi.randomSeed,
	}}
}

func (mi *instance) throw(err error) {
	panic(mi.vu.Runtime().NewGoError(err))
}

// check(value, {name: fn|bool}, tags?) records one `checks` sample per named check and
// returns whether all passed. A check function that throws counts as failed and the
// exception propagates, as in k6.
func (mi *instance) check(call sobek.FunctionCall) sobek.Value {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		mi.throw(errors.New("check() cannot be called in the init context"))
	}
	val := call.Argument(0)
	sets, ok := call.Argument(1).(*sobek.Object)
	if !ok {
		mi.throw(errors.New("check(): the second argument must be an object of named checks"))
	}
	tags := state.Tags
	if t, ok := call.Argument(2).(*sobek.Object); ok {
		for _, k := range t.Keys() {
			tags = tags.With(k, t.Get(k).String())
		}
	}
	all := true
	now := time.Now()
	samples := make(metrics.Samples, 0, len(sets.Keys()))
	defer func() { metrics.PushIfNotDone(mi.vu.Context(), state.Samples, samples) }()
	for _, name := range sets.Keys() {
		c := sets.Get(name)
		pass := false
		if fn, isFn := sobek.AssertFunction(c); isFn {
			r, err := fn(sobek.Undefined(), val)
			if err != nil {
				samples = append(samples, metrics.Sample{Metric: mi.checks, Tags: tags.With("check", name), Time: now, Value: 0})
				panic(err)
			}
			pass = r.ToBoolean()
		} else {
			pass = c.ToBoolean()
		}
		v := 0.0
		if pass {
			v = 1
		} else {
			all = false
		}
		samples = append(samples, metrics.Sample{Metric: mi.checks, Tags: tags.With("check", name), Time: now, Value: v})
	}
	return rt.ToValue(all)
}

// sleep(seconds) pauses the VU; a stopping run cuts it short.
func (mi *instance) sleep(secs float64) {
	if math.IsNaN(secs) || secs <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	ctx := mi.vu.Context()
	select {
	case <-t.C:
	case <-ctx.Done():
		// The call is being stopped (Ctrl-C, a timeout): interrupt the script here, so that
		// not one more statement after the sleep runs before the host's interrupt lands.
		mi.vu.Runtime().Interrupt(ctx.Err())
	}
}

// group(name, fn) runs fn with the group tag set to the nested path (::a::b) and records
// group_duration.
func (mi *instance) group(name string, fnv sobek.Value) (sobek.Value, error) {
	state := mi.vu.State()
	if state == nil {
		return nil, errors.New("group() cannot be called in the init context")
	}
	fn, ok := sobek.AssertFunction(fnv)
	if !ok {
		return nil, fmt.Errorf("group(%q): the second argument must be a function", name)
	}
	if isAsync(fnv) {
		// The group's tags and duration end when fn returns, long before an async fn's
		// work is done: k6 refuses these rather than measure the wrong thing.
		return nil, errors.New("group() does not support async functions as arguments (the group would end before the function's work is done)")
	}
	old := state.Tags
	k := groupKey{old, name}
	tags, ok := mi.groupTags[k]
	if !ok {
		parent, _ := old.Get("group")
		tags = old.With("group", parent+"::"+name)
		if len(mi.groupTags) >= 1024 {
			clear(mi.groupTags)
		}
		mi.groupTags[k] = tags
	}
	state.Tags = tags
	defer func() {
		if state.Tags == tags {
			state.Tags = old
			return
		}
		// The script set exec.vu.tags inside the group: keep its tags, end only the group.
		if g, ok := old.Get("group"); ok {
			state.Tags = state.Tags.With("group", g)
		} else {
			state.Tags = state.Tags.Without("group")
		}
	}()
	start := time.Now()
	v, err := fn(sobek.Undefined())
	end := time.Now()
	metrics.PushIfNotDone(mi.vu.Context(), state.Samples, metrics.Sample{
		Metric: mi.groupDuration, Tags: state.Tags, Time: end, Value: float64(end.Sub(start)) / float64(time.Millisecond),
	})
	return v, err
}

// isAsync reports whether v is an async function (or async generator), by the name of its
// constructor (AsyncFunction for every `async function` and async arrow).
func isAsync(v sobek.Value) bool {
	o, ok := v.(*sobek.Object)
	if !ok {
		return false
	}
	c, ok := o.Get("constructor").(*sobek.Object)
	if !ok {
		return false
	}
	switch c.Get("name").String() {
	case "AsyncFunction", "AsyncGeneratorFunction":
		return true
	}
	return false
}

// randomSeed(n) makes this VU's Math.random() repeat the same sequence for the same n.
func (mi *instance) randomSeed(seed int64) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6b36)) //nolint:gosec // test data, not secrets
	mi.vu.Runtime().SetRandSource(r.Float64)
}

// fail(msg) throws, ending the iteration.
func (mi *instance) fail(msg string) {
	mi.throw(fmt.Errorf("%s", msg))
}
