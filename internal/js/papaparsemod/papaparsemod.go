// Package papaparsemod serves what scripts import from the Papa Parse build on k6's jslib
// (https://jslib.k6.io/papaparse/5.x.y/index.js), built in: parse() and unparse() for CSV
// parameter files, written in Go from Papa Parse's documented behaviour.
package papaparsemod

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsvalue"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the name the loader gives imports of Papa Parse.
const ImportPath = "papaparse"

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// instance is the module as one VU sees it: its exports are its methods.
type instance struct{ rt *sobek.Runtime }

// exports builds one VU's functions. Scripts use the default export (`import papaparse
// from ...; papaparse.parse(...)`); the same functions are named exports too.
func exports(vu modules.VU) modules.Exports {
	mi := &instance{rt: vu.Runtime()}
	named := map[string]any{
		"parse":            mi.parse,
		"unparse":          mi.unparse,
		"RECORD_SEP":       RecordSep,
		"UNIT_SEP":         UnitSep,
		"BYTE_ORDER_MARK":  "\ufeff",
		"BAD_DELIMITERS":   []any{"\r", "\n", `"`, "\ufeff"},
		"DefaultDelimiter": ",",
	}
	def := mi.rt.NewObject()
	for k, v := range named {
		_ = def.Set(k, v)
	}
	return modules.Exports{Default: def, Named: named}
}

func (mi *instance) throw(fn, format string, args ...any) {
	panic(mi.rt.NewGoError(fmt.Errorf("papaparse.%s(): %s", fn, fmt.Sprintf(format, args...))))
}

func set(v sobek.Value) bool { return v != nil && !sobek.IsUndefined(v) && !sobek.IsNull(v) }

// get reads an option, nil when absent.
func get(o *sobek.Object, name string) sobek.Value {
	if o == nil {
		return nil
	}
	if v := o.Get(name); set(v) {
		return v
	}
	return nil
}

// text is parse()'s input: a string, or the bytes of open(path, 'b') as UTF-8.
func (mi *instance) text(v sobek.Value) string {
	if set(v) {
		switch x := v.Export().(type) {
		case string:
			return x
		case sobek.ArrayBuffer:
			return string(x.Bytes())
		}
	}
	mi.throw("parse", "the first argument must be the CSV text (a string, e.g. from open()), got %s", jsvalue.Describe(v))
	return ""
}

// parse(input, config) returns {data, errors, meta} as Papa Parse does for a string input.
func (mi *instance) parse(call sobek.FunctionCall) sobek.Value {
	rt := mi.rt
	input := mi.text(call.Argument(0))
	var opts *sobek.Object
	if a := call.Argument(1); set(a) {
		o, ok := a.(*sobek.Object)
		if !ok {
			mi.throw("parse", "the config must be an object, got %s", jsvalue.Describe(a))
		}
		opts = o
	}
	cfg := DefaultConfig()
	str := func(name string, dst *string) {
		if v := get(opts, name); v != nil {
			*dst = v.String()
		}
	}
	str("delimiter", &cfg.Delimiter)
	str("newline", &cfg.Newline)
	str("quoteChar", &cfg.Quote)
	str("escapeChar", &cfg.Escape)
	if get(opts, "escapeChar") == nil {
		cfg.Escape = cfg.Quote
	}
	if _, isFn := sobek.AssertFunction(get(opts, "delimiter")); isFn {
		mi.throw("parse", "a delimiter function is not supported: give the delimiter as a string")
	}
	for _, d := range []string{"\r", "\n", `"`, "\ufeff"} {
		if cfg.Delimiter == d {
			// Papa Parse refuses these too (BAD_DELIMITERS); guessing is the fallback.
			cfg.Delimiter = ""
		}
	}
	if v := get(opts, "comments"); v != nil {
		if c := v.String(); v.ToBoolean() && c != "true" {
			cfg.Comments = c
		} else if c == "true" {
			cfg.Comments = "#"
		}
	}
	if v := get(opts, "skipEmptyLines"); v != nil {
		if v.String() == "greedy" {
			cfg.SkipEmpty = SkipGreedy
		} else if v.ToBoolean() {
			cfg.SkipEmpty = SkipEmpty
		}
	}
	header := get(opts, "header") != nil && get(opts, "header").ToBoolean()
	if v := get(opts, "preview"); v != nil {
		cfg.Preview = int(v.ToInteger())
		if header && cfg.Preview > 0 {
			cfg.Preview++ // the header row is not counted
		}
	}
	cfg.FastMode = get(opts, "fastMode") != nil && get(opts, "fastMode").ToBoolean()
	if v := get(opts, "delimitersToGuess"); v != nil {
		var ds []string
		if err := rt.ExportTo(v, &ds); err != nil {
			mi.throw("parse", "delimitersToGuess must be an array of strings: %v", err)
		}
		cfg.DelimitersToGuess = ds
	}
	step, hasStep := sobek.AssertFunction(get(opts, "step"))
	for _, name := range []string{"chunk", "worker", "download"} {
		if v := get(opts, name); v != nil && v.ToBoolean() {
			mi.throw("parse", "the %q option is not supported here: the whole text is parsed at once", name)
		}
	}
	transformHeader, _ := sobek.AssertFunction(get(opts, "transformHeader"))
	transform, _ := sobek.AssertFunction(get(opts, "transform"))
	typed := mi.dynamicTyping(get(opts, "dynamicTyping"))

	res := Read(input, cfg)
	var fields []string
	rows := res.Rows
	if header && len(rows) > 0 {
		fields = rows[0]
		rows = rows[1:]
		if transformHeader != nil {
			for i, f := range fields {
				v, err := transformHeader(sobek.Undefined(), rt.ToValue(f), rt.ToValue(i))
				if err != nil {
					panic(err)
				}
				fields[i] = v.String()
			}
		}
	}
	// Reader errors count rows including the header; the result's rows do not.
	errs := res.Errors
	if header && len(res.Rows) > 0 {
		for i := range errs {
			if errs[i].Row >= 0 {
				errs[i].Row = max(errs[i].Row-1, 0)
			}
		}
	}
	value := func(s string, field any) sobek.Value {
		if transform != nil {
			v, err := transform(sobek.Undefined(), rt.ToValue(s), rt.ToValue(field))
			if err != nil {
				panic(err)
			}
			str, ok := v.Export().(string)
			if !ok {
				return v // transform chose a value of its own: no further typing
			}
			s = str
		}
		if typed == nil || !typed(field) {
			return rt.ToValue(s)
		}
		return mi.typedValue(DynamicType(s))
	}
	data := make([]any, 0, len(rows))
	for i, row := range rows {
		if !header {
			vals := make([]any, len(row))
			for j, f := range row {
				vals[j] = value(f, j)
			}
			data = append(data, rt.NewArray(vals...))
			continue
		}
		o := rt.NewObject()
		for j, f := range row {
			if j < len(fields) {
				_ = o.Set(fields[j], value(f, fields[j]))
			}
		}
		if len(row) > len(fields) {
			extra := make([]any, 0, len(row)-len(fields))
			for j := len(fields); j < len(row); j++ {
				extra = append(extra, value(row[j], j))
			}
			_ = o.Set("__parsed_extra", rt.NewArray(extra...))
		}
		if len(row) != len(fields) {
			errs = append(errs, fieldCountError(i, len(fields), len(row)))
		}
		data = append(data, o)
	}

	errVals := make([]any, len(errs))
	for i, e := range errs {
		o := rt.NewObject()
		_ = o.Set("type", e.Type)
		_ = o.Set("code", e.Code)
		_ = o.Set("message", e.Message)
		if e.Row >= 0 {
			_ = o.Set("row", e.Row)
		}
		errVals[i] = o
	}
	meta := rt.NewObject()
	_ = meta.Set("delimiter", res.Delimiter)
	_ = meta.Set("linebreak", res.Linebreak)
	_ = meta.Set("aborted", false)
	if hasStep {
		// With step, Papa Parse hands over rows one at a time and keeps none: the result's
		// data is empty. The text is parsed already, so the calls are made in order here.
		aborted := mi.stepRows(step, data, errVals, errs, meta)
		_ = meta.Set("aborted", aborted)
		data, errVals = nil, []any{}
	}
	_ = meta.Set("truncated", res.Truncated)
	_ = meta.Set("cursor", len([]rune(input[:min(res.Cursor, len(input))])))
	if header {
		fv := make([]any, len(fields))
		for i, f := range fields {
			fv[i] = f
		}
		_ = meta.Set("fields", rt.NewArray(fv...))
	}
	out := rt.NewObject()
	_ = out.Set("data", rt.NewArray(data...))
	_ = out.Set("errors", rt.NewArray(errVals...))
	_ = out.Set("meta", meta)
	if complete, ok := sobek.AssertFunction(get(opts, "complete")); ok {
		if _, err := complete(sobek.Undefined(), out); err != nil {
			panic(err)
		}
	}
	return out
}

// stepRows calls step(results, parser) for each row, results being {data: row, errors:
// that row's errors, meta}; parser.abort() stops it. It reports whether it was aborted.
func (mi *instance) stepRows(step sobek.Callable, data, errVals []any, errs []Error, meta *sobek.Object) bool {
	rt := mi.rt
	aborted := false
	parser := rt.NewObject()
	_ = parser.Set("abort", func() { aborted = true })
	unsupported := func(name string) func() {
		return func() {
			mi.throw("parse", "parser.%s() is not supported here: the text is parsed at once; use parser.abort() to stop", name)
		}
	}
	_ = parser.Set("pause", unsupported("pause"))
	_ = parser.Set("resume", unsupported("resume"))
	for i, row := range data {
		rowErrs := []any{}
		for j, e := range errs {
			if e.Row == i {
				rowErrs = append(rowErrs, errVals[j])
			}
		}
		results := rt.NewObject()
		_ = results.Set("data", row)
		_ = results.Set("errors", rt.NewArray(rowErrs...))
		_ = results.Set("meta", meta)
		if _, err := step(sobek.Undefined(), results, parser); err != nil {
			panic(err)
		}
		if aborted {
			return true
		}
	}
	return false
}

// dynamicTyping turns the option (true, {field: true}, or function(field) → bool) into a
// per-field predicate; nil when nothing is typed.
func (mi *instance) dynamicTyping(v sobek.Value) func(field any) bool {
	if v == nil {
		return nil
	}
	if fn, ok := sobek.AssertFunction(v); ok {
		return func(field any) bool {
			r, err := fn(sobek.Undefined(), mi.rt.ToValue(field))
			if err != nil {
				panic(err)
			}
			return r.ToBoolean()
		}
	}
	if o, ok := v.(*sobek.Object); ok {
		return func(field any) bool {
			f := o.Get(fmt.Sprint(field))
			return f != nil && f.ToBoolean()
		}
	}
	if !v.ToBoolean() {
		return nil
	}
	return func(any) bool { return true }
}

func (mi *instance) typedValue(t Typed) sobek.Value {
	switch t.Kind {
	case TypedNumber:
		return mi.rt.ToValue(t.Number)
	case TypedBool:
		return mi.rt.ToValue(t.Bool)
	case TypedNull:
		return sobek.Null()
	case TypedDate:
		if ts, err := time.Parse(time.RFC3339Nano, t.String); err == nil {
			if d, err := mi.rt.New(mi.rt.Get("Date"), mi.rt.ToValue(ts.UnixMilli())); err == nil {
				return d
			}
		}
		return mi.rt.ToValue(t.String)
	}
	return mi.rt.ToValue(t.String)
}

// unparse(data, config) writes CSV: data is an array of arrays, an array of objects (their
// keys make the header) or {fields, data}.
func (mi *instance) unparse(call sobek.FunctionCall) sobek.Value {
	rt := mi.rt
	var opts *sobek.Object
	if a := call.Argument(1); set(a) {
		if o, ok := a.(*sobek.Object); ok {
			opts = o
		} else {
			mi.throw("unparse", "the config must be an object, got %s", jsvalue.Describe(a))
		}
	}
	delim, nl, q, esc := ",", "\r\n", `"`, ""
	if v := get(opts, "delimiter"); v != nil && v.String() != "" {
		delim = v.String()
	}
	if v := get(opts, "newline"); v != nil && v.String() != "" {
		nl = v.String()
	}
	if v := get(opts, "quoteChar"); v != nil {
		q = v.String()
	}
	esc = q
	if v := get(opts, "escapeChar"); v != nil {
		esc = v.String()
	}
	withHeader := get(opts, "header") == nil || get(opts, "header").ToBoolean()
	skip := SkipNone
	if v := get(opts, "skipEmptyLines"); v != nil {
		if v.String() == "greedy" {
			skip = SkipGreedy
		} else if v.ToBoolean() {
			skip = SkipEmpty
		}
	}
	var quoteAll bool
	var quoteCols []bool
	if v := get(opts, "quotes"); v != nil {
		if err := rt.ExportTo(v, &quoteCols); err != nil {
			quoteAll = v.ToBoolean()
		}
	}
	var columns []string
	if v := get(opts, "columns"); v != nil {
		if err := rt.ExportTo(v, &columns); err != nil {
			mi.throw("unparse", "columns must be an array of strings: %v", err)
		}
	}

	// Normalise the three input shapes to header + rows of values.
	in := call.Argument(0)
	if s, ok := in.Export().(string); ok {
		var parsed any
		if err := rt.ExportTo(mustJSON(rt, s), &parsed); err != nil {
			mi.throw("unparse", "the string given is not JSON: %v", err)
		}
		in = rt.ToValue(parsed)
	}
	obj, ok := in.(*sobek.Object)
	if !ok {
		mi.throw("unparse", "the data must be an array of rows or {fields, data}, got %s", jsvalue.Describe(in))
	}
	var fields []string
	var rowVals []sobek.Value
	if f := get(obj, "fields"); f != nil && get(obj, "length") == nil {
		if err := rt.ExportTo(f, &fields); err != nil {
			mi.throw("unparse", "fields must be an array of strings: %v", err)
		}
		if d := get(obj, "data"); d != nil {
			rowVals = arrayItems(d)
		}
	} else {
		rowVals = arrayItems(obj)
	}
	objects := len(rowVals) > 0 && isPlainObject(rowVals[0])
	if objects && fields == nil {
		if columns != nil {
			fields = columns
		} else {
			fields = append(fields, rowVals[0].(*sobek.Object).Keys()...)
		}
	}

	needsQuotes := func(s string) bool {
		return s != "" && (strings.Contains(s, delim) || strings.Contains(s, q) || strings.ContainsAny(s, "\r\n") ||
			s[0] == ' ' || s[len(s)-1] == ' ' || strings.HasPrefix(s, "\ufeff"))
	}
	cell := func(v sobek.Value, col int) string {
		s := ""
		if set(v) {
			if d, ok := v.Export().(time.Time); ok {
				s = d.UTC().Format("2006-01-02T15:04:05.000Z")
			} else {
				s = v.String()
			}
		}
		force := quoteAll || (col < len(quoteCols) && quoteCols[col])
		if force || needsQuotes(s) {
			return q + strings.ReplaceAll(s, q, esc+q) + q
		}
		return s
	}
	var b strings.Builder
	lines := 0
	writeRow := func(cells []string) {
		if lines > 0 {
			b.WriteString(nl)
		}
		b.WriteString(strings.Join(cells, delim))
		lines++
	}
	if withHeader && len(fields) > 0 {
		cells := make([]string, len(fields))
		for i, f := range fields {
			cells[i] = cell(rt.ToValue(f), i)
		}
		writeRow(cells)
	}
	for _, rv := range rowVals {
		var vals []sobek.Value
		if o, ok := rv.(*sobek.Object); ok && fields != nil && isPlainObject(rv) {
			for _, f := range fields {
				vals = append(vals, o.Get(f))
			}
		} else if ok {
			vals = arrayItems(o)
		} else {
			vals = []sobek.Value{rv}
		}
		raw := make([]string, len(vals))
		for i, v := range vals {
			if set(v) {
				raw[i] = v.String()
			}
		}
		if skipRow(raw, skip) || (skip != SkipNone && len(raw) == 0) {
			continue
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = cell(v, i)
		}
		writeRow(cells)
	}
	return rt.ToValue(b.String())
}

func mustJSON(rt *sobek.Runtime, s string) sobek.Value {
	parse, _ := sobek.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	v, err := parse(sobek.Undefined(), rt.ToValue(s))
	if err != nil {
		panic(err)
	}
	return v
}

func isPlainObject(v sobek.Value) bool {
	o, ok := v.(*sobek.Object)
	return ok && o.ClassName() == "Object"
}

func arrayItems(v sobek.Value) []sobek.Value {
	o, ok := v.(*sobek.Object)
	if !ok {
		return nil
	}
	n := o.Get("length")
	if !set(n) {
		return nil
	}
	l := n.ToInteger()
	out := make([]sobek.Value, 0, l)
	for i := int64(0); i < l; i++ {
		out = append(out, o.Get(strconv.FormatInt(i, 10)))
	}
	return out
}
