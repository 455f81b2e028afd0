package neo4j

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
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

// Bounds on one call's parameters (and its transaction metadata). A script bug such as a
// sparse array with length 2**32-1 must be an error, not an allocation that kills the
// process; a deep nesting must be an error before it reaches the server's stack.
const (
	// MaxParamBytes bounds the size of one call's parameters: 16 bytes per value, plus the
	// bytes of strings, byte arrays and map keys, counted before anything is allocated.
	MaxParamBytes = 256 << 20
	// MaxParamDepth bounds the nesting of lists and maps.
	MaxParamDepth = 1000
	// valueCost is what one value costs against MaxParamBytes besides its payload.
	valueCost = 16
)

// paramConverter turns JS parameters into driver values. The rule for numbers: an integral
// number becomes a Cypher INTEGER, any other a FLOAT; neo4j.float(x) forces a FLOAT and a
// BigInt (or neo4j.int("...")) gives an INTEGER beyond 2^53.
type paramConverter struct {
	rt    *sobek.Runtime
	root  string
	path  []pathStep                 // where the converter is: rendered only for an error
	onWay map[*sobek.Object]struct{} // objects on the path, to catch cycles in O(1)
	spent int64                      // bytes counted against MaxParamBytes
}

// pathStep is one step of a parameter's path: a key, or an index when key is "".
type pathStep struct {
	key   string
	index int
}

// where renders the current path, such as params.items[2].when. A very deep one keeps its
// start and end.
func (c *paramConverter) where() string {
	step := func(b *strings.Builder, s pathStep) {
		if s.key != "" {
			b.WriteByte('.')
			b.WriteString(s.key)
		} else {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		}
	}
	var b strings.Builder
	b.WriteString(c.root)
	if len(c.path) <= 24 {
		for _, s := range c.path {
			step(&b, s)
		}
		return b.String()
	}
	for _, s := range c.path[:10] {
		step(&b, s)
	}
	fmt.Fprintf(&b, "…(%d levels)…", len(c.path)-20)
	for _, s := range c.path[len(c.path)-10:] {
		step(&b, s)
	}
	return b.String()
}

func (c *paramConverter) fail(format string, args ...any) error {
	return fmt.Errorf("%w %s: %s", ErrParameter, c.where(), fmt.Sprintf(format, args...))
}

// spend counts n more bytes against MaxParamBytes, before they are allocated.
func (c *paramConverter) spend(n int64) error {
	c.spent += n
	if n < 0 || c.spent > MaxParamBytes {
		return fmt.Errorf("%w %s: one call's parameters are limited to %d MiB (this value takes them past it)",
			ErrParameter, c.where(), MaxParamBytes>>20)
	}
	return nil
}

func (c *paramConverter) convert(v sobek.Value) (any, error) {
	if err := c.spend(valueCost); err != nil {
		return nil, err
	}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return nil, nil
	}
	if _, ok := v.(*sobek.Symbol); ok {
		return nil, c.fail("a symbol cannot be sent to Neo4j")
	}
	obj, isObj := v.(*sobek.Object)
	if !isObj {
		if str, ok := v.(sobek.String); ok {
			// Counted by its UTF-16 length before Export copies it, then by its UTF-8 size.
			if err := c.spend(int64(str.Length())); err != nil {
				return nil, err
			}
			x := str.String()
			if err := c.spend(max(int64(len(x)-str.Length()), 0)); err != nil {
				return nil, err
			}
			return x, nil
		}
		switch x := v.Export().(type) {
		case int64, bool:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) <= maxSafeInt {
				return int64(x), nil
			}
			return x, nil
		case *big.Int:
			if !x.IsInt64() {
				return nil, c.fail("BigInt %s does not fit a 64-bit integer", x)
			}
			return x.Int64(), nil
		}
		return nil, c.fail("a %s cannot be sent to Neo4j", v.ExportType())
	}
	if _, isFn := sobek.AssertFunction(v); isFn {
		return nil, c.fail("a function cannot be sent to Neo4j")
	}
	if _, seen := c.onWay[obj]; seen {
		return nil, c.fail("the object refers to itself (a cycle)")
	}
	if len(c.onWay) > MaxParamDepth { // the parameter map itself, then MaxParamDepth levels
		return nil, c.fail("nested deeper than %d levels of lists and maps", MaxParamDepth)
	}
	if c.onWay == nil {
		c.onWay = make(map[*sobek.Object]struct{})
	}
	c.onWay[obj] = struct{}{}
	defer delete(c.onWay, obj)

	switch obj.ClassName() {
	case "Array":
		return c.array(obj)
	case "Date":
		// A JS Date: a DATETIME in UTC, to the millisecond. An Invalid Date exports as nil.
		t, ok := obj.Export().(time.Time)
		if !ok {
			return nil, c.fail("an Invalid Date cannot be sent to Neo4j")
		}
		return t.UTC(), nil
	}
	// Only values that are Go values already, or cheap to export, are exported whole: a plain
	// object's Export would copy it deeply, unchecked.
	if et := obj.ExportType(); et != nil && et.Kind() != reflect.Map {
		switch x := obj.Export().(type) {
		case []byte:
			if err := c.spend(int64(len(x))); err != nil {
				return nil, err
			}
			return append([]byte(nil), x...), nil
		case sobek.ArrayBuffer:
			if err := c.spend(int64(len(x.Bytes()))); err != nil {
				return nil, err
			}
			return append([]byte(nil), x.Bytes()...), nil
		case []int8, []int16, []int32, []uint16, []uint32, []int64, []uint64, []float32, []float64:
			n := int64(reflect.ValueOf(x).Len())
			if err := c.spend(n * valueCost); err != nil {
				return nil, err
			}
			if u, ok := x.([]uint64); ok {
				for i, e := range u {
					if e > math.MaxInt64 {
						c.path = append(c.path, pathStep{index: i})
						return nil, c.fail("%d does not fit a 64-bit integer (BigUint64Array element)", e)
					}
				}
			}
			return typedNumbers(x), nil
		case Date, LocalTime, Time, LocalDateTime, DateTime, Duration, Point2D, Point3D, Float:
			d, err := toDriver(x)
			if err != nil {
				return nil, c.fail("%v", err)
			}
			return d, nil
		}
	}
	return c.object(obj)
}

// array converts a JS array by its length: elements that do not exist are null. The length
// is paid for before the list is allocated, so a huge sparse array is an error at once.
func (c *paramConverter) array(obj *sobek.Object) (any, error) {
	n := obj.Get("length").ToInteger()
	if n < 0 || n > MaxParamBytes/valueCost {
		return nil, c.fail("an array of length %d is over the %d MiB limit on one call's parameters", n, MaxParamBytes>>20)
	}
	if err := c.spend(n * valueCost); err != nil {
		return nil, err
	}
	c.spent -= n * valueCost // each element pays for itself in convert
	out := make([]any, n)
	c.path = append(c.path, pathStep{})
	for i := range int(n) {
		c.path[len(c.path)-1] = pathStep{index: i}
		el, err := c.convert(obj.Get(strconv.Itoa(i)))
		if err != nil {
			return nil, err
		}
		out[i] = el
	}
	c.path = c.path[:len(c.path)-1]
	return out, nil
}

func (c *paramConverter) object(obj *sobek.Object) (any, error) {
	keys := obj.Keys()
	if err := c.spend(int64(len(keys)) * valueCost); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(keys))
	c.path = append(c.path, pathStep{})
	for _, k := range keys {
		c.path[len(c.path)-1] = pathStep{key: k}
		if err := c.spend(int64(len(k))); err != nil {
			return nil, err
		}
		el, err := c.convert(obj.Get(k))
		if err != nil {
			return nil, err
		}
		out[k] = el
	}
	c.path = c.path[:len(c.path)-1]
	return out, nil
}

// typedNumbers turns a typed array's elements into the driver's INTEGER or FLOAT values.
func typedNumbers(v any) []any {
	switch x := v.(type) {
	case []float32:
		return widen(x, func(f float32) any { return float64(f) })
	case []float64:
		return widen(x, func(f float64) any { return f })
	}
	return typedInts(v)
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
	return mapFromJS(rt, v, "params", "query parameters")
}

// mapFromJS converts a JS object to a driver map; root names it in error paths, what in
// messages about the whole.
func mapFromJS(rt *sobek.Runtime, v sobek.Value, root, what string) (map[string]any, error) {
	if isUndefined(v) {
		return nil, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("%w: %s must be an object, got %s", ErrInvalidOption, what, describeType(v))
	}
	c := &paramConverter{rt: rt, root: root}
	out, err := c.convert(obj)
	if err != nil {
		return nil, err
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s must be a plain object, got %s", ErrInvalidOption, what, describeType(v))
	}
	return m, nil
}
