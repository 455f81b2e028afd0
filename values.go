package neo4j

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// maxSafeInt is 2^53-1, the largest integer a JS number holds exactly. Larger integers come
// to JS as BigInt so nothing is lost.
const maxSafeInt = 1<<53 - 1

// toJS converts a value from a Neo4j record into a plain JS value.
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
	case time.Time:
		return rt.ToValue(v.Format(time.RFC3339Nano))
	case fmt.Stringer:
		// Temporal and spatial types render as Cypher literals until they get their own
		// JS representation.
		return rt.ToValue(v.String())
	}
	return rt.ToValue(fmt.Sprint(v))
}

func mapToJS(rt *sobek.Runtime, m map[string]any) *sobek.Object {
	o := rt.NewObject()
	for k, x := range m {
		_ = o.Set(k, toJS(rt, x))
	}
	return o
}

// fromJS converts a query parameter from JS: integral numbers become integers, others
// floats; arrays, objects, Dates, typed arrays and BigInts convert as their kind says.
// Functions and symbols cannot be sent; the error names the path to them.
func fromJS(v any, path string, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("parameter %s: nested too deeply (a cyclic object?)", path)
	}
	switch v := v.(type) {
	case nil, bool, string, int64, time.Time:
		return v, nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= maxSafeInt {
			return int64(v), nil
		}
		return v, nil
	case *big.Int:
		if !v.IsInt64() {
			return nil, fmt.Errorf("parameter %s: BigInt %s does not fit a 64-bit integer", path, v)
		}
		return v.Int64(), nil
	case []byte:
		return v, nil
	case sobek.ArrayBuffer:
		return append([]byte(nil), v.Bytes()...), nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			c, err := fromJS(x, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			c, err := fromJS(x, path+"."+k, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case func(sobek.FunctionCall) sobek.Value:
		return nil, fmt.Errorf("parameter %s: a function cannot be sent to Neo4j", path)
	}
	return nil, fmt.Errorf("parameter %s: a %T cannot be sent to Neo4j", path, v)
}

// paramsFromJS converts a call's parameter object.
func paramsFromJS(v sobek.Value) (map[string]any, error) {
	if isUndefined(v) {
		return nil, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("%w: query parameters must be an object, got %s", ErrInvalidOption, describeJS(v))
	}
	out := make(map[string]any, len(obj.Keys()))
	for _, k := range obj.Keys() {
		x := obj.Get(k)
		if _, isSym := x.(*sobek.Symbol); isSym {
			return nil, fmt.Errorf("parameter %s: a symbol cannot be sent to Neo4j", k)
		}
		c, err := fromJS(x.Export(), k, 0)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}
