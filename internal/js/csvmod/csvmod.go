// Package csvmod is `k6/experimental/csv`: csv.parse(file, options) resolves to a read-only
// array parsed once per run and shared by every VU, and csv.Parser streams a file's records
// one next() at a time. Both take the File objects k6/experimental/fs opens.
package csvmod

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/fsmod"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the path scripts import the module by.
const ImportPath = "k6/experimental/csv"

// RootModule holds the run's parsed files, keyed by file and options, so csv.parse in
// every VU's init code parses once and every VU reads the same records.
type RootModule struct {
	parsed modules.Shared[parseKey, *parsed]
}

type parseKey struct {
	file *fsmod.File
	opts options
}

type parsed struct {
	header  []string
	records [][]string
}

// New returns the module.
func New() *RootModule { return &RootModule{} }

var _ modules.Module = (*RootModule)(nil)

// NewModuleInstance implements modules.Module.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &instance{root: r, vu: vu}
}

type instance struct {
	root *RootModule
	vu   modules.VU
}

// Exports implements modules.Instance.
func (mi *instance) Exports() modules.Exports {
	named := map[string]any{"parse": mi.parse, "Parser": mi.newParser}
	// k6's documentation imports it whole: `import csv from 'k6/experimental/csv'`.
	def := mi.vu.Runtime().NewObject()
	for k, v := range named {
		_ = def.Set(k, v)
	}
	return modules.Exports{Named: named, Default: def}
}

// options are k6's csv Options. fromLine and toLine count lines from 0, both inclusive;
// -1 means unset.
type options struct {
	delimiter     rune
	asObjects     bool
	skipFirstLine bool
	fromLine      int64
	toLine        int64
}

// readOptions checks a script's options object, naming the function and the bad option.
func readOptions(rt *sobek.Runtime, fn string, v sobek.Value) (options, error) {
	o := options{delimiter: ',', fromLine: -1, toLine: -1}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return o, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok {
		return o, fmt.Errorf("%s: the options must be an object such as { delimiter: ';', asObjects: true }, not %s", fn, v)
	}
	known := map[string]bool{"delimiter": true, "asObjects": true, "skipFirstLine": true, "fromLine": true, "toLine": true}
	for _, k := range obj.Keys() {
		if !known[k] {
			return o, fmt.Errorf("%s: unknown option %q; the options are delimiter, asObjects, skipFirstLine, fromLine and toLine", fn, k)
		}
	}
	if d := obj.Get("delimiter"); d != nil && !sobek.IsUndefined(d) {
		s := d.String()
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || n != len(s) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
			return o, fmt.Errorf("%s: option delimiter must be one character other than a quote or a line break, got %q", fn, s)
		}
		o.delimiter = r
	}
	o.asObjects = obj.Get("asObjects") != nil && obj.Get("asObjects").ToBoolean()
	o.skipFirstLine = obj.Get("skipFirstLine") != nil && obj.Get("skipFirstLine").ToBoolean()
	line := func(name string) (int64, error) {
		x := obj.Get(name)
		if x == nil || sobek.IsUndefined(x) || sobek.IsNull(x) {
			return -1, nil
		}
		f := x.ToFloat()
		if math.IsNaN(f) || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
			return 0, fmt.Errorf("%s: option %s must be a line number (0 or more), got %s", fn, name, x)
		}
		return int64(f), nil
	}
	var err error
	if o.fromLine, err = line("fromLine"); err != nil {
		return o, err
	}
	if o.toLine, err = line("toLine"); err != nil {
		return o, err
	}
	if o.fromLine >= 0 && o.toLine >= 0 && o.toLine < o.fromLine {
		return o, fmt.Errorf("%s: option toLine (%d) is before fromLine (%d)", fn, o.toLine, o.fromLine)
	}
	return o, nil
}

// reader yields the records a file and options select, in order, with the line each
// record starts on.
type reader struct {
	r      *csv.Reader
	opts   options
	line   int64 // index of the next record
	header []string
	path   string
}

func newReader(f *fsmod.File, o options) (*reader, error) {
	cr := csv.NewReader(bytes.NewReader(f.Data))
	cr.Comma = o.delimiter
	// Records may differ in length, as k6 allows; asObjects fills missing fields.
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	rd := &reader{r: cr, opts: o, path: f.Path}
	if o.asObjects {
		// The first line names the fields and is never a record.
		h, err := rd.raw()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: asObjects needs a header line, and the file is empty", f.Path)
		}
		if err != nil {
			return nil, err
		}
		rd.header = h
	} else if o.skipFirstLine {
		if _, err := rd.raw(); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	return rd, nil
}

// raw reads the next record whatever the options say.
func (rd *reader) raw() ([]string, error) {
	rec, err := rd.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d, column %d: %w", rd.path, pe.StartLine, pe.Column, pe.Err)
		}
		return nil, fmt.Errorf("%s: %w", rd.path, err)
	}
	rd.line++
	return rec, nil
}

// next returns the next selected record, or io.EOF.
func (rd *reader) next() ([]string, error) {
	for {
		if rd.opts.toLine >= 0 && rd.line > rd.opts.toLine {
			return nil, io.EOF
		}
		at := rd.line
		rec, err := rd.raw()
		if err != nil {
			return nil, err
		}
		if rd.opts.fromLine >= 0 && at < rd.opts.fromLine {
			continue
		}
		return rec, nil
	}
}

// value turns a record into what scripts see: an array of strings, or with asObjects an
// object keyed by the header (missing fields are empty strings).
func value(rt *sobek.Runtime, header, rec []string) sobek.Value {
	if header == nil {
		vals := make([]any, len(rec))
		for i, s := range rec {
			vals[i] = s
		}
		return rt.NewArray(vals...)
	}
	obj := rt.NewObject()
	for i, k := range header {
		v := ""
		if i < len(rec) {
			v = rec[i]
		}
		_ = obj.Set(k, v)
	}
	return obj
}

func (mi *instance) file(fn string, v sobek.Value) (*fsmod.File, error) {
	f, ok := fsmod.FromValue(v)
	if !ok {
		return nil, fmt.Errorf("%s: the first argument must be a file from k6/experimental/fs: `const file = await open('data.csv')`", fn)
	}
	return f, nil
}

// parse resolves to the shared read-only array of the selected records. It must run in
// the init context, where the array is made once for the whole run.
func (mi *instance) parse(fileV, optsV sobek.Value) *sobek.Promise {
	rt := mi.vu.Runtime()
	p, resolve, reject := rt.NewPromise()
	fail := func(err error) *sobek.Promise { _ = reject(rt.NewGoError(err)); return p }
	if mi.vu.InitEnv() == nil {
		return fail(errors.New("csv.parse() can only be called in the init context (at the top of the script)"))
	}
	f, err := mi.file("csv.parse()", fileV)
	if err != nil {
		return fail(err)
	}
	o, err := readOptions(rt, "csv.parse()", optsV)
	if err != nil {
		return fail(err)
	}
	pr, err := mi.root.parsed.Get(parseKey{file: f, opts: o}, func() (*parsed, error) {
		rd, err := newReader(f, o)
		if err != nil {
			return nil, err
		}
		pr := &parsed{header: rd.header}
		for {
			rec, err := rd.next()
			if errors.Is(err, io.EOF) {
				return pr, nil
			}
			if err != nil {
				return nil, err
			}
			pr.records = append(pr.records, rec)
		}
	})
	if err != nil {
		return fail(fmt.Errorf("csv.parse(): %w", err))
	}
	_ = resolve(rt.NewDynamicArray(&view{rt: rt, p: pr}))
	return p
}

// view is one VU's read-only window on parsed records, like a SharedArray.
type view struct {
	rt *sobek.Runtime
	p  *parsed
}

func (v *view) Len() int { return len(v.p.records) }

func (v *view) Get(i int) sobek.Value {
	if i < 0 || i >= len(v.p.records) {
		return sobek.Undefined()
	}
	return value(v.rt, v.p.header, v.p.records[i])
}

func (v *view) Set(int, sobek.Value) bool {
	panic(v.rt.NewTypeError("the array csv.parse() made is read-only: it is shared by every VU"))
}

func (v *view) SetLen(int) bool {
	panic(v.rt.NewTypeError("the array csv.parse() made is read-only: it is shared by every VU"))
}

// newParser is `new csv.Parser(file, options)`: each VU that makes one reads the whole
// file from its first selected record, one next() at a time.
func (mi *instance) newParser(call sobek.ConstructorCall) *sobek.Object {
	rt := mi.vu.Runtime()
	f, err := mi.file("new csv.Parser()", call.Argument(0))
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	o, err := readOptions(rt, "new csv.Parser()", call.Argument(1))
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	rd, err := newReader(f, o)
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("new csv.Parser(): %w", err)))
	}
	done := false
	_ = call.This.Set("next", func() *sobek.Promise {
		p, resolve, reject := rt.NewPromise()
		res := rt.NewObject()
		if !done {
			rec, err := rd.next()
			switch {
			case errors.Is(err, io.EOF):
				done = true
			case err != nil:
				_ = reject(rt.NewGoError(fmt.Errorf("csv.Parser.next(): %w", err)))
				return p
			default:
				_ = res.Set("done", false)
				_ = res.Set("value", value(rt, rd.header, rec))
				_ = resolve(res)
				return p
			}
		}
		_ = res.Set("done", true)
		_ = res.Set("value", sobek.Undefined())
		_ = resolve(res)
		return p
	})
	return nil
}
