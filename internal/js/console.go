package js

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
)

// consoleText renders one console.log argument the way k6 v1+ does: strings and other
// primitives as they are at the top level; objects and arrays in a compact JS-like form
// (`{ name: "John", id: 1 }`, `[ 1, "a" ]`) with strings quoted inside them; a function as
// [object Function]; an Error as its text; a cycle as [Circular]; a Date as its ISO string.
func consoleText(rt *sobek.Runtime, v sobek.Value) string {
	if _, isFn := sobek.AssertFunction(v); isFn {
		return "[object Function]"
	}
	o, ok := v.(*sobek.Object)
	if !ok || o.ClassName() == "Error" {
		return v.String()
	}
	var b strings.Builder
	writeConsoleValue(rt, &b, v, map[*sobek.Object]bool{}, 0)
	return b.String()
}

// maxConsoleDepth bounds the nesting written, so a deep structure cannot exhaust the host's
// stack (cycles are caught by seen; depth is the other way to run away).
const maxConsoleDepth = 64

func writeConsoleValue(rt *sobek.Runtime, b *strings.Builder, v sobek.Value, seen map[*sobek.Object]bool, depth int) {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		// k6 writes both as null inside a structure, like JSON, a hole in an array too.
		b.WriteString("null")
		return
	}
	if _, isFn := sobek.AssertFunction(v); isFn {
		b.WriteString("[object Function]")
		return
	}
	o, ok := v.(*sobek.Object)
	if !ok {
		if s, isStr := v.Export().(string); isStr {
			b.WriteString(strconv.Quote(s))
			return
		}
		b.WriteString(v.String())
		return
	}
	if seen[o] {
		b.WriteString("[Circular]")
		return
	}
	if depth >= maxConsoleDepth {
		b.WriteString("[Object]")
		return
	}
	seen[o] = true
	defer delete(seen, o)
	switch o.ClassName() {
	case "Error":
		b.WriteString(o.String())
		return
	case "Array":
		n := o.Get("length").ToInteger()
		if n == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[ ")
		for i := int64(0); i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeConsoleValue(rt, b, o.Get(strconv.FormatInt(i, 10)), seen, depth+1)
		}
		b.WriteString(" ]")
		return
	}
	if ab, isAB := o.Export().(sobek.ArrayBuffer); isAB {
		bytes := ab.Bytes()
		b.WriteString("ArrayBuffer { [Uint8Contents]: <")
		for i, c := range bytes {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(b, "%02x", c)
		}
		fmt.Fprintf(b, ">, byteLength: %d }", len(bytes))
		return
	}
	keys := o.Keys()
	if len(keys) == 0 {
		if o.ClassName() == "Date" {
			if iso, ok := sobek.AssertFunction(o.Get("toISOString")); ok {
				if s, err := iso(o); err == nil {
					b.WriteString(strconv.Quote(s.String()))
					return
				}
			}
		}
		b.WriteString("{}")
		return
	}
	b.WriteString("{ ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString(": ")
		writeConsoleValue(rt, b, o.Get(k), seen, depth+1)
	}
	b.WriteString(" }")
}
