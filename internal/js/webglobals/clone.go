package webglobals

import (
	"errors"
	"fmt"
	"sync"

	"github.com/grafana/sobek"
)

// structuredCloneSrc is structuredClone in JavaScript: the copy must create the script's own
// Maps, Dates and typed arrays, which is simplest from inside the runtime. It keeps shared
// and circular references, copies class instances as plain objects (as the HTML standard
// does) and refuses functions, symbols, promises and weak collections by throwing
// {dataCloneError: message}; the Go side turns that into a DataCloneError, so the error's
// stack starts at the script's call, not inside this code.
const structuredCloneSrc = `(function () {
  'use strict';
  const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
  const typed = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };
  const errorKinds = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const refused = new Set(['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Generator', 'AsyncGenerator', 'FinalizationRegistry']);
  const fail = (msg) => ({ dataCloneError: 'structuredClone(): ' + msg });
  return function structuredClone(value) {
    const seen = new Map();
    const clone = (v, path) => {
      const t = typeof v;
      if (t === 'function') throw fail(path + ' is a function, which cannot be cloned');
      if (t === 'symbol') throw fail(path + ' is a Symbol, which cannot be cloned');
      if (v === null || t !== 'object') return v;
      if (seen.has(v)) return seen.get(v);
      const tag = tagOf(v);
      let out;
      if (refused.has(tag)) throw fail(path + ' is a ' + tag + ', which cannot be cloned');
      switch (tag) {
        case 'Boolean': out = Object(Boolean.prototype.valueOf.call(v)); break;
        case 'Number': out = Object(Number.prototype.valueOf.call(v)); break;
        case 'String': out = Object(String.prototype.valueOf.call(v)); break;
        case 'BigInt': out = Object(BigInt.prototype.valueOf.call(v)); break;
        case 'Date': out = new Date(v.getTime()); break;
        case 'RegExp': out = new RegExp(v.source, v.flags); break;
        case 'ArrayBuffer': out = v.slice(0); break;
        case 'DataView': out = new DataView(clone(v.buffer, path + '.buffer'), v.byteOffset, v.byteLength); break;
        case 'Map':
          out = new Map();
          seen.set(v, out);
          for (const [k, x] of v) out.set(clone(k, path + ' (a Map key)'), clone(x, path + ' (a Map value)'));
          return out;
        case 'Set':
          out = new Set();
          seen.set(v, out);
          for (const x of v) out.add(clone(x, path + ' (a Set element)'));
          return out;
        case 'Error': {
          const Kind = Object.prototype.hasOwnProperty.call(errorKinds, v.name) ? errorKinds[v.name] : Error;
          out = Object.create(Kind.prototype);
          seen.set(v, out);
          if (Object.prototype.hasOwnProperty.call(v, 'message')) {
            Object.defineProperty(out, 'message', { value: String(v.message), writable: true, configurable: true });
          }
          if (typeof v.stack === 'string') {
            Object.defineProperty(out, 'stack', { value: v.stack, writable: true, configurable: true });
          }
          return out;
        }
        default:
          if (Object.prototype.hasOwnProperty.call(typed, tag) && ArrayBuffer.isView(v)) {
            out = new typed[tag](clone(v.buffer, path + '.buffer'), v.byteOffset, v.length);
            break;
          }
          out = tag === 'Array' ? new Array(v.length) : {};
          seen.set(v, out);
          for (const k of Object.keys(v)) {
            out[k] = clone(v[k], tag === 'Array' ? path + '[' + k + ']' : path + '.' + k);
          }
          return out;
      }
      seen.set(v, out);
      return out;
    };
    return clone(value, 'the value');
  };
})()`

var (
	cloneOnce sync.Once
	cloneProg *sobek.Program
	cloneErr  error
)

// structuredClone returns the global function for rt; the program is compiled once per
// process.
func structuredClone(rt *sobek.Runtime) (func(sobek.FunctionCall) sobek.Value, error) {
	cloneOnce.Do(func() {
		cloneProg, cloneErr = sobek.Compile("structuredClone", structuredCloneSrc, true)
	})
	if cloneErr != nil {
		return nil, fmt.Errorf("compiling structuredClone: %w", cloneErr)
	}
	v, err := rt.RunProgram(cloneProg)
	if err != nil {
		return nil, fmt.Errorf("setting up structuredClone: %w", err)
	}
	impl, ok := sobek.AssertFunction(v)
	if !ok {
		return nil, errors.New("setting up structuredClone: not a function")
	}
	return func(call sobek.FunctionCall) sobek.Value {
		if len(call.Arguments) == 0 {
			panic(rt.NewTypeError("structuredClone(): a value to clone is required"))
		}
		res, err := impl(sobek.Undefined(), call.Argument(0))
		if err == nil {
			return res
		}
		var ex *sobek.Exception
		if errors.As(err, &ex) {
			if o, ok := ex.Value().(*sobek.Object); ok {
				if msg := o.Get("dataCloneError"); msg != nil && !sobek.IsUndefined(msg) {
					panic(domError(rt, "DataCloneError", msg.String()))
				}
			}
		}
		// Anything else (a getter in the value that throws, an interrupt) goes on as it came.
		panic(err)
	}, nil
}
