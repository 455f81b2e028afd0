package neo4j

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// maxSafeInt is 2^53-1, the largest integer a JS number holds exactly. Larger integers come
// to JS as BigInt so nothing is lost.
const maxSafeInt = 1<<53 - 1

// toJS converts a value from a Neo4j record into a JS value: null, booleans, strings and
// floats as themselves; integers as numbers up to 2^53-1 and BigInt beyond; byte arrays as
// ArrayBuffer; lists as arrays; maps as objects; nodes, relationships and paths as plain
// objects; temporal and spatial values as the types in types.go.
func toJS(rt *sobek.Runtime, v any) sobek.Value {
	switch v := v.(type) {
	case nil:
		return sobek.Null()
	case bool:
		return rt.ToValue(v)
	case int64:
		if v > maxSafeInt || v < -maxSafeInt {
			return rt.ToValue(new(big.Int).SetInt64(v))
		}
		return rt.ToValue(v)
	case float64:
		return rt.ToValue(v)
	case string:
		return rt.ToValue(v)
	case []byte:
		return rt.ToValue(rt.NewArrayBuffer(append([]byte(nil), v...)))
	case []any:
		items := make([]any, len(v))
		for i, x := range v {
			items[i] = toJS(rt, x)
		}
		return rt.NewArray(items...)
	case map[string]any:
		return mapToJS(rt, v)
	case dbtype.Node:
		o := rt.NewObject()
		_ = o.Set("elementId", v.ElementId)
		labels := make([]any, len(v.Labels))
		for i, l := range v.Labels {
			labels[i] = l
		}
		_ = o.Set("labels", rt.NewArray(labels...))
		_ = o.Set("properties", mapToJS(rt, v.Props))
		return o
	case dbtype.Relationship:
		o := rt.NewObject()
		_ = o.Set("elementId", v.ElementId)
		_ = o.Set("type", v.Type)
		_ = o.Set("startNodeElementId", v.StartElementId)
		_ = o.Set("endNodeElementId", v.EndElementId)
		_ = o.Set("properties", mapToJS(rt, v.Props))
		return o
	case dbtype.Path:
		o := rt.NewObject()
		nodes := make([]any, len(v.Nodes))
		for i, n := range v.Nodes {
			nodes[i] = toJS(rt, n)
		}
		rels := make([]any, len(v.Relationships))
		for i, r := range v.Relationships {
			rels[i] = toJS(rt, r)
		}
		_ = o.Set("nodes", rt.NewArray(nodes...))
		_ = o.Set("relationships", rt.NewArray(rels...))
		return o
	}
	if ours, ok := fromDriver(v); ok {
		return rt.ToValue(ours)
	}
	return rt.ToValue(fmt.Sprint(v))
}

// mapToJS builds an object with the keys in sorted order: a Cypher map has no order, and
// a stable one makes JSON.stringify and logs repeatable.
func mapToJS(rt *sobek.Runtime, m map[string]any) *sobek.Object {
	o := rt.NewObject()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		_ = o.Set(k, toJS(rt, m[k]))
	}
	return o
}

// ErrParameter wraps every parameter that cannot be sent; the message names its path
// (`params.items[2].when`).
var ErrParameter = errors.New("invalid query parameter")

// paramConverter turns JS parameters into driver values. The rule for numbers: an integral
// number becomes a Cypher INTEGER, any other a FLOAT; neo4j.float(x) forces a FLOAT and a
// BigInt (or neo4j.int("...")) gives an INTEGER beyond 2^53.
type paramConverter struct {
	rt   *sobek.Runtime
	path []*sobek.Object // objects on the way down, to catch cycles
}

func (c *paramConverter) fail(path, format string, args ...any) error {
	return fmt.Errorf("%w %s: %s", ErrParameter, path, fmt.Sprintf(format, args...))
}

func (c *paramConverter) convert(v sobek.Value, path string) (any, error) {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return nil, nil
	}
	if _, ok := v.(*sobek.Symbol); ok {
		return nil, c.fail(path, "a symbol cannot be sent to Neo4j")
	}
	obj, isObj := v.(*sobek.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case int64, bool, string:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) <= maxSafeInt {
				return int64(x), nil
			}
			return x, nil
		case *big.Int:
			if !x.IsInt64() {
				return nil, c.fail(path, "BigInt %s does not fit a 64-bit integer", x)
			}
			return x.Int64(), nil
		}
		return nil, c.fail(path, "a %s cannot be sent to Neo4j", v.ExportType())
	}
	if _, isFn := sobek.AssertFunction(v); isFn {
		return nil, c.fail(path, "a function cannot be sent to Neo4j")
	}
	for _, o := range c.path {
		if o == obj {
			return nil, c.fail(path, "the object refers to itself (a cycle)")
		}
	}
	c.path = append(c.path, obj)
	defer func() { c.path = c.path[:len(c.path)-1] }()

	switch x := obj.Export().(type) {
	case time.Time: // a JS Date: a DATETIME in UTC, to the millisecond
		return x.UTC(), nil
	case []byte:
		return append([]byte(nil), x...), nil
	case sobek.ArrayBuffer:
		return append([]byte(nil), x.Bytes()...), nil
	case []int8, []int16, []int32, []uint16, []uint32, []int64, []uint64:
		return typedInts(x), nil
	case []float32, []float64:
		return typedFloats(x), nil
	case Date, LocalTime, Time, LocalDateTime, DateTime, Duration, Point2D, Point3D, Float:
		d, err := toDriver(x)
		if err != nil {
			return nil, c.fail(path, "%v", err)
		}
		return d, nil
	}
	if obj.ClassName() == "Array" {
		n := int(obj.Get("length").ToInteger())
		out := make([]any, n)
		for i := range n {
			el, err := c.convert(obj.Get(strconv.Itoa(i)), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = el
		}
		return out, nil
	}
	keys := obj.Keys()
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		el, err := c.convert(obj.Get(k), path+"."+k)
		if err != nil {
			return nil, err
		}
		out[k] = el
	}
	return out, nil
}

func typedInts(v any) []any {
	switch x := v.(type) {
	case []int8:
		return widen(x, func(n int8) any { return int64(n) })
	case []int16:
		return widen(x, func(n int16) any { return int64(n) })
	case []int32:
		return widen(x, func(n int32) any { return int64(n) })
	case []uint16:
		return widen(x, func(n uint16) any { return int64(n) })
	case []uint32:
		return widen(x, func(n uint32) any { return int64(n) })
	case []int64:
		return widen(x, func(n int64) any { return n })
	case []uint64:
		return widen(x, func(n uint64) any { return int64(n) })
	}
	return nil
}

func typedFloats(v any) []any {
	switch x := v.(type) {
	case []float32:
		return widen(x, func(f float32) any { return float64(f) })
	case []float64:
		return widen(x, func(f float64) any { return f })
	}
	return nil
}

// widen turns a typed array's elements into the driver's INTEGER or FLOAT values.
func widen[T any](xs []T, to func(T) any) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = to(x)
	}
	return out
}

// paramsFromJS converts a call's parameter object.
func paramsFromJS(rt *sobek.Runtime, v sobek.Value) (map[string]any, error) {
	if isUndefined(v) {
		return nil, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("%w: query parameters must be an object, got %s", ErrInvalidOption, describeJS(v))
	}
	c := &paramConverter{rt: rt}
	out, err := c.convert(obj, "params")
	if err != nil {
		return nil, err
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: query parameters must be a plain object, got %s", ErrInvalidOption, describeJS(v))
	}
	return m, nil
}
