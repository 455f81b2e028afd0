// Package webcrypto is crypto.subtle, the Web Crypto API as k6 ships it: digest, HMAC,
// AES-GCM/CBC/CTR, ECDSA, ECDH, Ed25519, X25519, RSA (OAEP, PKCS1-v1_5, PSS), PBKDF2 and
// HKDF, with keys in raw, jwk, spki and pkcs8 formats.
//
// Every method returns a Promise. The work is CPU-bound and short, so it is done at once on
// the VU's goroutine and the promise is settled before the method returns; its reactions
// still run as promise jobs, after the calling code, as the specification requires.
package webcrypto

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
)

// opError is a failed operation; it rejects the promise with a DOMException-like error
// carrying name (NotSupportedError, InvalidAccessError, OperationError, DataError,
// SyntaxError) or a TypeError.
type opError struct{ name, msg string }

func (e *opError) Error() string { return e.name + ": " + e.msg }

// fail stops the current operation; the method wrapper turns it into a rejection.
func fail(name, format string, args ...any) {
	panic(&opError{name: name, msg: fmt.Sprintf(format, args...)})
}

type subtle struct {
	rt *sobek.Runtime
	// keySym holds the Go key behind a CryptoKey object. Scripts cannot reach it (it is in
	// no registry), so a key cannot be forged from a plain object.
	keySym   *sobek.Symbol
	keyProto *sobek.Object
	ctor     *sobek.Object // the CryptoKey global
}

// Install sets crypto.subtle on the crypto object. It is built on first use, with the
// CryptoKey global its keys are instances of (no key exists before that): most scripts never
// touch it, and every VU would otherwise pay for a dozen function objects.
func Install(rt *sobek.Runtime, crypto *sobek.Object) error {
	var obj *sobek.Object
	getSubtle := rt.ToValue(func(sobek.FunctionCall) sobek.Value {
		if obj == nil {
			s, o, err := newSubtle(rt)
			if err == nil {
				err = rt.GlobalObject().Set("CryptoKey", s.ctor)
			}
			if err != nil {
				panic(rt.NewGoError(err))
			}
			obj = o
		}
		return obj
	})
	if err := crypto.DefineAccessorProperty("subtle", getSubtle, sobek.Undefined(), sobek.FLAG_TRUE, sobek.FLAG_TRUE); err != nil {
		return fmt.Errorf("setting crypto.subtle: %w", err)
	}
	return nil
}

func newSubtle(rt *sobek.Runtime) (*subtle, *sobek.Object, error) {
	s := &subtle{rt: rt, keySym: sobek.NewSymbol("CryptoKey internal")}
	s.ctor = rt.ToValue(func(sobek.ConstructorCall) *sobek.Object {
		panic(rt.NewTypeError("CryptoKey cannot be constructed: keys come from crypto.subtle.generateKey(), importKey() or deriveKey()"))
	}).ToObject(rt)
	s.keyProto = s.ctor.Get("prototype").ToObject(rt)
	_ = s.keyProto.DefineDataPropertySymbol(sobek.SymToStringTag, rt.ToValue("CryptoKey"), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	obj := rt.NewObject()
	methods := map[string]func(sobek.FunctionCall) sobek.Value{
		"digest":      s.digest,
		"generateKey": s.generateKey,
		"importKey":   s.importKey,
		"exportKey":   s.exportKey,
		"sign":        s.sign,
		"verify":      s.verify,
		"encrypt":     s.encrypt,
		"decrypt":     s.decrypt,
		"deriveBits":  s.deriveBits,
		"deriveKey":   s.deriveKey,
		"wrapKey":     s.wrapKey,
		"unwrapKey":   s.unwrapKey,
	}
	for name, fn := range methods {
		if err := obj.Set(name, s.promising("crypto.subtle."+name+"()", fn)); err != nil {
			return nil, nil, fmt.Errorf("setting crypto.subtle.%s: %w", name, err)
		}
	}
	_ = obj.DefineDataPropertySymbol(sobek.SymToStringTag, rt.ToValue("SubtleCrypto"), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	return s, obj, nil
}

// promising runs fn and settles a new promise with its result: every failure, including a
// bad argument, is a rejection, never a synchronous throw, as in browsers and k6.
func (s *subtle) promising(where string, fn func(sobek.FunctionCall) sobek.Value) func(sobek.FunctionCall) sobek.Value {
	return func(call sobek.FunctionCall) sobek.Value {
		p, resolve, reject := s.rt.NewPromise()
		v, rejection := s.run(where, fn, call)
		if rejection != nil {
			_ = reject(rejection)
		} else {
			_ = resolve(v)
		}
		return s.rt.ToValue(p)
	}
}

func (s *subtle) run(where string, fn func(sobek.FunctionCall) sobek.Value, call sobek.FunctionCall) (v sobek.Value, rejection sobek.Value) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		switch e := r.(type) {
		case *opError:
			rejection = s.domError(e.name, where+": "+e.msg)
		case *sobek.Exception:
			// A getter of the script's own threw while an argument was read.
			rejection = e.Value()
		case *sobek.InterruptedError:
			panic(e)
		default:
			// A bug here must not surface as a Go stack trace in the script's output.
			rejection = s.domError("OperationError", fmt.Sprintf("%s: %v", where, r))
		}
	}()
	return fn(call), nil
}

// domError is an Error named like a DOMException, so err.name reads as in k6 and browsers.
func (s *subtle) domError(name, msg string) sobek.Value {
	if name == "TypeError" {
		return s.rt.NewTypeError(msg)
	}
	e, err := s.rt.New(s.rt.Get("Error"), s.rt.ToValue(msg))
	if err != nil {
		return s.rt.ToValue(name + ": " + msg)
	}
	_ = e.DefineDataProperty("name", s.rt.ToValue(name), sobek.FLAG_TRUE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	return e
}

// ---- argument helpers -------------------------------------------------------------------

func isNullish(v sobek.Value) bool { return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) }

// bufferSource reads an ArrayBuffer, a typed array or a DataView (a copy of its bytes).
func (s *subtle) bufferSource(v sobek.Value, what string) []byte {
	if !isNullish(v) {
		if ab, ok := v.Export().(sobek.ArrayBuffer); ok {
			return append([]byte(nil), ab.Bytes()...)
		}
		if obj, ok := v.(*sobek.Object); ok {
			if b, ok := jsbytes.View(s.rt, obj); ok {
				return append([]byte(nil), b...)
			}
		}
	}
	fail("TypeError", "%s must be an ArrayBuffer, a typed array or a DataView, not %s", what, describe(v))
	return nil
}

func describe(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	}
	if obj, ok := v.(*sobek.Object); ok {
		if obj.ClassName() == "Object" {
			return "an object"
		}
		return "a " + obj.ClassName()
	}
	switch v.Export().(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	}
	return v.String()
}

// algorithm is a normalised AlgorithmIdentifier: its canonical name and, when it was given
// as an object, its parameters.
type algorithm struct {
	name   string
	params *sobek.Object
}

var canonicalNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"SHA-1", "SHA-256", "SHA-384", "SHA-512", "HMAC", "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW",
		"ECDSA", "ECDH", "Ed25519", "X25519", "RSA-OAEP", "RSASSA-PKCS1-v1_5", "RSA-PSS", "PBKDF2", "HKDF"} {
		m[strings.ToUpper(n)] = n
	}
	return m
}()

// alg reads an algorithm given as a name or as an object with a name.
func (s *subtle) alg(v sobek.Value, what string) algorithm {
	var name string
	var params *sobek.Object
	if obj, ok := v.(*sobek.Object); ok {
		n := obj.Get("name")
		if isNullish(n) {
			fail("TypeError", "%s has no name: pass a name such as 'AES-GCM' or an object with one", what)
		}
		name, params = n.String(), obj
	} else if str, ok := v.Export().(string); ok {
		name = str
	} else {
		fail("TypeError", "%s must be a name or an object with a name, not %s", what, describe(v))
	}
	c, ok := canonicalNames[strings.ToUpper(name)]
	if !ok {
		fail("NotSupportedError", "%s %q is not supported", what, name)
	}
	if params == nil {
		params = s.rt.NewObject()
	}
	return algorithm{name: c, params: params}
}

// get reads a member of an algorithm's parameters; required ones fail with a TypeError.
func (a algorithm) get(field string, required bool) sobek.Value {
	v := a.params.Get(field)
	if required && isNullish(v) {
		fail("TypeError", "%s: the parameter %q is required", a.name, field)
	}
	return v
}

func (a algorithm) integer(field string, required bool, def int64) int64 {
	v := a.get(field, required)
	if isNullish(v) {
		return def
	}
	f := v.ToFloat()
	if f != f || f < 0 || f > 1<<32 || f != float64(int64(f)) {
		fail("TypeError", "%s: the parameter %q must be a whole number, not %v", a.name, field, v)
	}
	return int64(f)
}

// hashAlg reads a hash parameter ("SHA-256" or {name: "SHA-256"}).
func (s *subtle) hashAlg(a algorithm, field string) string {
	v := a.get(field, true)
	h := s.alg(v, a.name+"'s "+field)
	if hashFunc(h.name) == nil {
		fail("NotSupportedError", "%s: %q is not a hash (use SHA-1, SHA-256, SHA-384 or SHA-512)", a.name, h.name)
	}
	return h.name
}

func hashFunc(name string) func() hash.Hash {
	switch name {
	case "SHA-1":
		return sha1.New
	case "SHA-256":
		return sha256.New
	case "SHA-384":
		return sha512.New384
	case "SHA-512":
		return sha512.New
	}
	return nil
}

func (s *subtle) arrayBuffer(b []byte) sobek.Value { return jsbytes.ArrayBuffer(s.rt, b) }

// digest(algorithm, data) hashes data with SHA-1, SHA-256, SHA-384 or SHA-512.
func (s *subtle) digest(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	h := hashFunc(a.name)
	if h == nil {
		fail("NotSupportedError", "%q is not a digest algorithm (use SHA-1, SHA-256, SHA-384 or SHA-512)", a.name)
	}
	data := s.bufferSource(call.Argument(1), "the data")
	d := h()
	d.Write(data)
	return s.arrayBuffer(d.Sum(nil))
}
