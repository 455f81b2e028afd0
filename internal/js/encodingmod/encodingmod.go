// Package encodingmod is `k6/encoding`: b64encode and b64decode in the std, rawstd, url and
// rawurl variants of RFC 4648.
package encodingmod

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the path scripts import the module by.
const ImportPath = "k6/encoding"

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// exports builds one VU's functions.
func exports(vu modules.VU) modules.Exports {
	rt := vu.Runtime()
	throw := func(err error) { panic(rt.NewGoError(err)) }
	return modules.Exports{Named: map[string]any{
		"b64encode": func(call sobek.FunctionCall) sobek.Value {
			enc, err := variant("b64encode()", call.Argument(1))
			if err != nil {
				throw(err)
			}
			b, err := jsbytes.From(rt, call.Argument(0), "b64encode(): the input")
			if err != nil {
				throw(err)
			}
			return rt.ToValue(enc.EncodeToString(b))
		},
		"b64decode": func(call sobek.FunctionCall) sobek.Value {
			name := variantName(call.Argument(1))
			enc, err := variant("b64decode()", call.Argument(1))
			if err != nil {
				throw(err)
			}
			in := call.Argument(0)
			if sobek.IsUndefined(in) || sobek.IsNull(in) {
				throw(fmt.Errorf("b64decode(): the input is missing: pass a base64 string"))
			}
			s := in.String()
			if name == "rawstd" || name == "rawurl" {
				// The raw variants take padded input too, as k6 does.
				s = strings.TrimRight(s, "=")
			}
			b, err := enc.DecodeString(s)
			if err != nil {
				throw(fmt.Errorf("b64decode(): the input is not valid base64 in the %q variant: %w", name, err))
			}
			if f := call.Argument(2); !sobek.IsUndefined(f) && f.String() == "s" {
				return rt.ToValue(string(b))
			}
			return jsbytes.ArrayBuffer(rt, b)
		},
	}}
}

func variantName(v sobek.Value) string {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) || v.String() == "" {
		return "std"
	}
	return v.String()
}

// variant is the encoding a script named; std when it named none.
func variant(fn string, v sobek.Value) (*base64.Encoding, error) {
	switch name := variantName(v); name {
	case "std":
		return base64.StdEncoding, nil
	case "rawstd":
		return base64.RawStdEncoding, nil
	case "url":
		return base64.URLEncoding, nil
	case "rawurl":
		return base64.RawURLEncoding, nil
	default:
		return nil, fmt.Errorf("%s: unknown base64 encoding %q; use std, rawstd, url or rawurl", fn, name)
	}
}
