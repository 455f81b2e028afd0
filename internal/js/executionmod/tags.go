package executionmod

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// errTagsInInit is k6's refusal to touch a VU's tags before the VU runs.
const errTagsInInit = "getting VU information in the init context is not supported"

// tagValue turns a value a script assigns to a tag (or a metadata key) into its text. k6
// takes strings, booleans and numbers only; anything else is logged and left out, so a
// typo does not end the iteration (k6's --throw, which would make it an exception, is not
// an option here).
func tagValue(vu modules.VU, what, key string, val sobek.Value) (string, bool) {
	kind := reflect.Invalid
	if val != nil {
		if t := val.ExportType(); t != nil {
			kind = t.Kind()
		}
	}
	switch kind {
	case reflect.String, reflect.Bool, reflect.Int64, reflect.Float64:
		return val.String(), true
	}
	if st := vu.State(); st != nil && st.Logger != nil {
		st.Logger.Warn(fmt.Sprintf("invalid value for metric %s '%s': only String, Boolean and Number types are accepted as a metric %s values; the value was discarded",
			what, key, what))
	}
	return "", false
}

// tagsObject is exec.vu.tags (and exec.vu.metrics.tags): a live view of the VU's current
// tag set. Writing replaces the state's set with a new one (sets are immutable and shared),
// so every sample pushed afterwards, by any module, carries the tag.
type tagsObject struct{ vu modules.VU }

var _ sobek.DynamicObject = (*tagsObject)(nil)

func (o *tagsObject) state() *modules.State {
	st := o.vu.State()
	if st == nil {
		panic(o.vu.Runtime().NewGoError(fmt.Errorf("exec.vu.tags: %s", errTagsInInit)))
	}
	return st
}

func (o *tagsObject) Get(key string) sobek.Value {
	st := o.vu.State()
	if st == nil {
		return nil
	}
	if v, ok := st.Tags.Get(key); ok {
		return o.vu.Runtime().ToValue(v)
	}
	return nil
}

func (o *tagsObject) Set(key string, val sobek.Value) bool {
	st := o.state()
	if v, ok := tagValue(o.vu, "tag", key, val); ok {
		st.Tags = st.Tags.With(key, v)
	}
	// true even when discarded: in strict mode (ES modules) false would be a TypeError.
	return true
}

func (o *tagsObject) Has(key string) bool {
	st := o.vu.State()
	if st == nil {
		return false
	}
	_, ok := st.Tags.Get(key)
	return ok
}

func (o *tagsObject) Delete(key string) bool {
	st := o.state()
	st.Tags = st.Tags.Without(key)
	return true
}

func (o *tagsObject) Keys() []string {
	st := o.vu.State()
	if st == nil {
		return nil
	}
	keys := make([]string, 0, st.Tags.Len())
	for _, t := range st.Tags.Tags() {
		keys = append(keys, t.Key)
	}
	return keys
}

// metadataObject is exec.vu.metrics.metadata: key/value pairs that go with the VU's samples
// to outputs but are neither tags (no submetrics, no thresholds) nor in the summary.
type metadataObject struct{ vu modules.VU }

var _ sobek.DynamicObject = (*metadataObject)(nil)

func (o *metadataObject) Get(key string) sobek.Value {
	if st := o.vu.State(); st != nil {
		if v, ok := st.Metadata[key]; ok {
			return o.vu.Runtime().ToValue(v)
		}
	}
	return nil
}

func (o *metadataObject) Set(key string, val sobek.Value) bool {
	st := o.vu.State()
	if st == nil {
		panic(o.vu.Runtime().NewGoError(fmt.Errorf("exec.vu.metrics.metadata: %s", errTagsInInit)))
	}
	if v, ok := tagValue(o.vu, "metadata", key, val); ok {
		// A new map each time: samples already pushed keep the one they were given.
		m := maps.Clone(st.Metadata)
		if m == nil {
			m = map[string]string{}
		}
		m[key] = v
		st.Metadata = m
	}
	return true
}

func (o *metadataObject) Has(key string) bool {
	if st := o.vu.State(); st != nil {
		_, ok := st.Metadata[key]
		return ok
	}
	return false
}

func (o *metadataObject) Delete(key string) bool {
	if st := o.vu.State(); st != nil {
		if _, ok := st.Metadata[key]; ok {
			m := maps.Clone(st.Metadata)
			delete(m, key)
			st.Metadata = m
		}
	}
	return true
}

func (o *metadataObject) Keys() []string {
	if st := o.vu.State(); st != nil {
		return slices.Sorted(maps.Keys(st.Metadata))
	}
	return nil
}
