package webglobals

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsvalue"
)

// readOnly defines a property scripts can read but not change, as the standard attributes are.
func readOnly(rt *sobek.Runtime, o *sobek.Object, name string, v any) {
	_ = o.DefineDataProperty(name, rt.ToValue(v), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
}

// textEncoder is the TextEncoder constructor: UTF-8 only, as in the standard.
func textEncoder(rt *sobek.Runtime) func(sobek.ConstructorCall) *sobek.Object {
	return func(call sobek.ConstructorCall) *sobek.Object {
		o := call.This
		readOnly(rt, o, "encoding", "utf-8")
		_ = o.Set("encode", func(c sobek.FunctionCall) sobek.Value {
			s := ""
			if in := c.Argument(0); !sobek.IsUndefined(in) {
				s = in.String()
			}
			u, err := jsbytes.Uint8Array(rt, []byte(s))
			if err != nil {
				panic(rt.NewGoError(err))
			}
			return u
		})
		_ = o.Set("encodeInto", func(c sobek.FunctionCall) sobek.Value {
			s := c.Argument(0).String()
			dst, ok := c.Argument(1).(*sobek.Object)
			var buf []byte
			if ok && dst.GetSymbol(sobek.SymToStringTag) != nil && dst.GetSymbol(sobek.SymToStringTag).String() == "Uint8Array" {
				buf, ok = jsbytes.View(rt, dst)
			} else {
				ok = false
			}
			if !ok {
				panic(rt.NewTypeError(fmt.Sprintf("TextEncoder.encodeInto(): the destination must be a Uint8Array, not %s", jsvalue.Describe(c.Argument(1)))))
			}
			// read counts UTF-16 code units, as JavaScript string lengths do.
			read, written := 0, 0
			for _, r := range s {
				n := utf8.RuneLen(r)
				if n < 0 { // cannot happen after String(); keep the count honest anyway
					r, n = utf8.RuneError, 3
				}
				if written+n > len(buf) {
					break
				}
				utf8.EncodeRune(buf[written:], r)
				written += n
				read++
				if r >= 0x10000 {
					read++
				}
			}
			res := rt.NewObject()
			_ = res.Set("read", read)
			_ = res.Set("written", written)
			return res
		})
		return nil
	}
}

// textDecoder is the TextDecoder constructor: UTF-8 with the fatal and ignoreBOM options
// and streaming decode().
func textDecoder(rt *sobek.Runtime) func(sobek.ConstructorCall) *sobek.Object {
	return func(call sobek.ConstructorCall) *sobek.Object {
		label := "utf-8"
		if l := call.Argument(0); !sobek.IsUndefined(l) {
			label = strings.ToLower(strings.TrimSpace(l.String()))
		}
		switch label {
		case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8":
		default:
			panic(domError(rt, "RangeError", fmt.Sprintf("TextDecoder: the encoding %q is not supported; only utf-8 is", label)))
		}
		var d decoder
		if opts, ok := call.Argument(1).(*sobek.Object); ok {
			d.fatal = opts.Get("fatal") != nil && opts.Get("fatal").ToBoolean()
			d.ignoreBOM = opts.Get("ignoreBOM") != nil && opts.Get("ignoreBOM").ToBoolean()
		}
		o := call.This
		readOnly(rt, o, "encoding", "utf-8")
		readOnly(rt, o, "fatal", d.fatal)
		readOnly(rt, o, "ignoreBOM", d.ignoreBOM)
		_ = o.Set("decode", func(c sobek.FunctionCall) sobek.Value {
			var in []byte
			if v := c.Argument(0); !sobek.IsUndefined(v) && !sobek.IsNull(v) {
				var ok bool
				switch x := v.Export().(type) {
				case sobek.ArrayBuffer:
					in, ok = x.Bytes(), true
				default:
					if obj, isObj := v.(*sobek.Object); isObj {
						in, ok = jsbytes.View(rt, obj)
					}
				}
				if !ok {
					panic(rt.NewTypeError(fmt.Sprintf("TextDecoder.decode(): the input must be an ArrayBuffer, a typed array or a DataView, not %s", jsvalue.Describe(v))))
				}
			}
			stream := false
			if opts, ok := c.Argument(1).(*sobek.Object); ok {
				stream = opts.Get("stream") != nil && opts.Get("stream").ToBoolean()
			}
			s, ok := d.decode(in, stream)
			if !ok {
				panic(rt.NewTypeError("TextDecoder.decode(): the data is not valid UTF-8 (the decoder is fatal)"))
			}
			return rt.ToValue(s)
		})
		return nil
	}
}

// decoder is the WHATWG UTF-8 decoder: each maximal invalid subsequence becomes one
// U+FFFD (or, when fatal, an error); a sequence cut at the end of a streamed chunk waits
// for the next one.
type decoder struct {
	fatal, ignoreBOM bool
	pending          []byte
	bomDone          bool // the start of the stream was seen (BOM stripped or not)
}

func (d *decoder) decode(chunk []byte, stream bool) (string, bool) {
	b := append(d.pending, chunk...)
	d.pending = nil
	var sb strings.Builder
	ok := true
	i := 0
	for i < len(b) {
		c := b[i]
		if c < 0x80 {
			sb.WriteByte(c)
			i++
			continue
		}
		need, lo, hi := 0, byte(0x80), byte(0xbf)
		switch {
		case c >= 0xc2 && c <= 0xdf:
			need = 1
		case c == 0xe0:
			need, lo = 2, 0xa0
		case c == 0xed:
			need, hi = 2, 0x9f
		case c >= 0xe1 && c <= 0xef:
			need = 2
		case c == 0xf0:
			need, lo = 3, 0x90
		case c == 0xf4:
			need, hi = 3, 0x8f
		case c >= 0xf1 && c <= 0xf3:
			need = 3
		}
		if need == 0 {
			ok = false
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		j := 1
		bad := false
		for ; j <= need; j++ {
			if i+j >= len(b) {
				break
			}
			x := b[i+j]
			if j == 1 && (x < lo || x > hi) || j > 1 && (x < 0x80 || x > 0xbf) {
				bad = true
				break
			}
		}
		if !bad && j <= need { // cut off at the end of the input
			if stream {
				d.pending = append([]byte(nil), b[i:]...)
				break
			}
			bad = true
		}
		if bad {
			ok = false
			sb.WriteRune(utf8.RuneError)
			i += j
			continue
		}
		sb.Write(b[i : i+need+1])
		i += need + 1
	}
	out := sb.String()
	if !d.bomDone && out != "" {
		if !d.ignoreBOM {
			out = strings.TrimPrefix(out, "\uFEFF")
		}
		d.bomDone = true
	}
	if !stream || !ok && d.fatal {
		// The end of a stream, or an error, starts the next decode() afresh.
		d.pending, d.bomDone = nil, false
	}
	if !ok && d.fatal {
		return "", false
	}
	return out, true
}
