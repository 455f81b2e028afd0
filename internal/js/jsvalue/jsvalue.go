// Package jsvalue renders script values for the error messages of the built-in modules.
package jsvalue

import (
	"strconv"

	"github.com/grafana/sobek"
)

// Describe renders a bad argument for an error message: undefined, null, a string quoted,
// another primitive as it prints, an object by its class ("an object", "an array", "a
// Date"), never by its content.
func Describe(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	}
	if o, ok := v.(*sobek.Object); ok {
		switch c := o.ClassName(); c {
		case "Object":
			return "an object"
		case "Array":
			return "an array"
		case "Function":
			return "a function"
		default:
			return "a " + c
		}
	}
	if _, ok := v.Export().(string); ok {
		return strconv.Quote(v.String())
	}
	return v.String()
}
