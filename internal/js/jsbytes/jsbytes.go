// Package jsbytes turns the byte-like values scripts pass to the k6 modules (strings,
// ArrayBuffers, typed arrays, DataViews, arrays of numbers) into Go bytes, and back.
package jsbytes

import (
	"fmt"
	"math"

	"github.com/grafana/sobek"
)

// From reads v as bytes: a string as its UTF-8, an ArrayBuffer or a view on one as the bytes
// it covers (a copy), an array as one byte per element. what names the argument in errors
// ("sha256(): the input").
func From(rt *sobek.Runtime, v sobek.Value, what string) ([]byte, error) {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return nil, fmt.Errorf("%s is missing: pass a string or an ArrayBuffer", what)
	}
	switch x := v.Export().(type) {
	case string:
		return []byte(x), nil
	case sobek.ArrayBuffer:
		return append([]byte(nil), x.Bytes()...), nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok {
		// Numbers and booleans read as their text, as k6 does for any other value.
		return []byte(v.String()), nil
	}
	if b, ok := View(rt, obj); ok {
		return append([]byte(nil), b...), nil
	}
	if obj.ClassName() == "Array" {
		n := obj.Get("length").ToInteger()
		out := make([]byte, 0, n)
		for i := range n {
			f := obj.Get(fmt.Sprint(i)).ToFloat()
			if f != math.Trunc(f) || f < 0 || f > 255 {
				return nil, fmt.Errorf("%s: element %d of the array is %v, not a byte (an integer 0-255)", what, i, obj.Get(fmt.Sprint(i)))
			}
			out = append(out, byte(f))
		}
		return out, nil
	}
	kind := "a " + obj.ClassName()
	if obj.ClassName() == "Object" {
		kind = "an object"
	}
	return nil, fmt.Errorf("%s must be a string, an ArrayBuffer or a typed array, not %s", what, kind)
}

// View returns the bytes an ArrayBuffer view (a typed array or a DataView) covers, sharing
// its memory, so writes through the slice show in the script.
func View(rt *sobek.Runtime, obj *sobek.Object) ([]byte, bool) {
	isView, ok := sobek.AssertFunction(rt.Get("ArrayBuffer").ToObject(rt).Get("isView"))
	if !ok {
		return nil, false
	}
	r, err := isView(sobek.Undefined(), obj)
	if err != nil || !r.ToBoolean() {
		return nil, false
	}
	ab, ok := obj.Get("buffer").Export().(sobek.ArrayBuffer)
	if !ok {
		return nil, false
	}
	off, n := obj.Get("byteOffset").ToInteger(), obj.Get("byteLength").ToInteger()
	all := ab.Bytes()
	if off < 0 || n < 0 || off+n > int64(len(all)) {
		return nil, false
	}
	return all[off : off+n : off+n], true
}

// ArrayBuffer returns b as a new ArrayBuffer.
func ArrayBuffer(rt *sobek.Runtime, b []byte) sobek.Value {
	return rt.ToValue(rt.NewArrayBuffer(b))
}

// Uint8Array returns b as a new Uint8Array over a new ArrayBuffer.
func Uint8Array(rt *sobek.Runtime, b []byte) (*sobek.Object, error) {
	return rt.New(rt.Get("Uint8Array"), ArrayBuffer(rt, b))
}
