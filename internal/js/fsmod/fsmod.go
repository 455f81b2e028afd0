// Package fsmod is `k6/experimental/fs`: open(path) in the init context resolves to a File
// that reads, seeks and stats. A file is read from disk once per run and its bytes are
// shared, read-only, by every VU; only the read offset belongs to one File object.
package fsmod

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"syscall"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the path scripts import the module by.
const ImportPath = "k6/experimental/fs"

// Seek modes, as SeekMode exports them.
const (
	SeekStart   = 0
	SeekCurrent = 1
	SeekEnd     = 2
)

// Error kinds, k6's numbering: a script may compare err.kind with them.
const (
	KindNotFound        = 1
	KindInvalidResource = 2
	KindForbidden       = 3
	KindType            = 4
	KindEOF             = 5
)

var kindNames = map[int]string{
	KindNotFound:        "NotFoundError",
	KindInvalidResource: "InvalidResourceError",
	KindForbidden:       "ForbiddenError",
	KindType:            "TypeError",
	KindEOF:             "EOFError",
}

// RootModule holds the run's file cache: one copy of each file's bytes for all VUs.
type RootModule struct {
	files modules.Shared[string, *File]
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
	rt := mi.vu.Runtime()
	seek := rt.NewObject()
	_ = seek.Set("Start", SeekStart)
	_ = seek.Set("Current", SeekCurrent)
	_ = seek.Set("End", SeekEnd)
	named := map[string]any{"open": mi.open, "SeekMode": seek}
	// Both `import { open } from` and `import fs from` work, as with k6's module.
	def := rt.NewObject()
	for k, v := range named {
		_ = def.Set(k, v)
	}
	return modules.Exports{Named: named, Default: def}
}

// File is the shared, read-only content of an opened file. csv.parse and csv.Parser take
// the File objects open() makes and read this.
type File struct {
	// Path is the resolved path the file was read from.
	Path string
	// Data is shared by every VU: never write to it.
	Data []byte
}

// fileKey marks File objects, holding their *File, so other modules can find the data
// behind a JS value without the script being able to forge one.
var fileKey = sobek.NewSymbol("k6/experimental/fs File")

// FromValue returns the file behind a File object that open() resolved to.
func FromValue(v sobek.Value) (*File, bool) {
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil, false
	}
	v = obj.GetSymbol(fileKey)
	if v == nil {
		return nil, false
	}
	f, ok := v.Export().(*File)
	return f, ok && f != nil
}

// NewError makes the error object k6's fs module rejects with: name from the kind, a
// numeric kind and a message.
func NewError(rt *sobek.Runtime, kind int, msg string) *sobek.Object {
	e, err := rt.New(rt.Get("Error"), rt.ToValue(msg))
	if err != nil {
		panic(rt.NewGoError(errors.New(msg)))
	}
	_ = e.DefineDataProperty("name", rt.ToValue(kindNames[kind]), sobek.FLAG_TRUE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	_ = e.DefineDataProperty("kind", rt.ToValue(kind), sobek.FLAG_TRUE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	return e
}

// load reads a file once per run, whichever VU asks first; every VU gets the same *File,
// so csv.parse can share what it parsed from it.
func (r *RootModule) load(key string, read func() ([]byte, error)) (*File, error) {
	return r.files.Get(key, func() (*File, error) {
		b, err := read()
		return &File{Path: key, Data: b}, err
	})
}

// open resolves to a File, or rejects with an FsError. Like k6, it is refused outside
// the init context, where each VU would otherwise read files while the test runs.
func (mi *instance) open(path sobek.Value) *sobek.Promise {
	rt := mi.vu.Runtime()
	p, resolve, reject := rt.NewPromise()
	fail := func(kind int, format string, args ...any) *sobek.Promise {
		_ = reject(NewError(rt, kind, fmt.Sprintf(format, args...)))
		return p
	}
	env := mi.vu.InitEnv()
	if env == nil {
		return fail(KindForbidden, "fs.open(): open() can only be called in the init context (at the top of the script)")
	}
	if path == nil || sobek.IsUndefined(path) || sobek.IsNull(path) || path.String() == "" {
		return fail(KindType, "fs.open(): the path is missing; give the file's path, relative to the script")
	}
	name := path.String()
	f, err := mi.root.load(name, func() ([]byte, error) { return env.ReadFile(name) })
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail(KindNotFound, "fs.open(%q): no such file", name)
		case isDirErr(err):
			return fail(KindInvalidResource, "fs.open(%q): it is a directory; only files can be opened", name)
		default:
			return fail(KindInvalidResource, "fs.open(%q): %v", name, err)
		}
	}
	_ = resolve(newFileObject(rt, f))
	return p
}

// isDirErr tells a read of a directory, which os.ReadFile reports as EISDIR (the loader
// may have unwrapped the *fs.PathError).
func isDirErr(err error) bool {
	return errors.Is(err, syscall.EISDIR)
}

// newFileObject is one VU's handle on a file: shared bytes, its own offset.
func newFileObject(rt *sobek.Runtime, f *File) *sobek.Object {
	var offset int64
	size := int64(len(f.Data))
	obj := rt.NewObject()
	_ = obj.SetSymbol(fileKey, f)
	_ = obj.DefineDataProperty("path", rt.ToValue(f.Path), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	settle := func(v any, errObj *sobek.Object) *sobek.Promise {
		p, resolve, reject := rt.NewPromise()
		if errObj != nil {
			_ = reject(errObj)
		} else {
			_ = resolve(v)
		}
		return p
	}
	_ = obj.Set("stat", func() *sobek.Promise {
		info := rt.NewObject()
		_ = info.Set("name", filepath.Base(f.Path))
		_ = info.Set("size", size)
		return settle(info, nil)
	})
	_ = obj.Set("read", func(buf sobek.Value) *sobek.Promise {
		obj, isObj := buf.(*sobek.Object)
		var b []byte
		ok := isObj && obj.GetSymbol(sobek.SymToStringTag) != nil && obj.GetSymbol(sobek.SymToStringTag).String() == "Uint8Array"
		if ok {
			b, ok = jsbytes.View(rt, obj)
		}
		if !ok {
			return settle(nil, NewError(rt, KindType, "file.read(): the argument must be a Uint8Array, as in file.read(new Uint8Array(1024))"))
		}
		if offset >= size {
			// null, not 0, says the end was reached, as k6 documents.
			return settle(sobek.Null(), nil)
		}
		n := copy(b, f.Data[offset:])
		offset += int64(n)
		return settle(n, nil)
	})
	_ = obj.Set("seek", func(off, whence sobek.Value) *sobek.Promise {
		o := off.ToFloat()
		if sobek.IsUndefined(off) || math.IsNaN(o) || math.IsInf(o, 0) || o != math.Trunc(o) {
			return settle(nil, NewError(rt, KindType, fmt.Sprintf("file.seek(): the offset must be a whole number, got %s", off)))
		}
		mode := SeekStart
		if whence != nil && !sobek.IsUndefined(whence) {
			mode = int(whence.ToInteger())
		}
		to := int64(o)
		switch mode {
		case SeekStart:
			if to < 0 {
				return settle(nil, NewError(rt, KindType, "file.seek(): the offset cannot be negative with SeekMode.Start"))
			}
		case SeekCurrent:
			to += offset
		case SeekEnd:
			if to > 0 {
				return settle(nil, NewError(rt, KindType, "file.seek(): the offset cannot be positive with SeekMode.End"))
			}
			to += size
		default:
			return settle(nil, NewError(rt, KindType, fmt.Sprintf("file.seek(): unknown seek mode %s; use SeekMode.Start, SeekMode.Current or SeekMode.End", whence)))
		}
		if to < 0 {
			return settle(nil, NewError(rt, KindType, "file.seek(): cannot seek before the start of the file"))
		}
		if to > size {
			return settle(nil, NewError(rt, KindType, fmt.Sprintf("file.seek(): cannot seek beyond the end of the file (%d bytes)", size)))
		}
		offset = to
		return settle(to, nil)
	})
	return obj
}
