// Package webglobals installs the web-platform globals k6 scripts use: TextEncoder,
// TextDecoder (UTF-8), crypto.getRandomValues / crypto.randomUUID / crypto.subtle and
// structuredClone.
package webglobals

import (
	"crypto/rand"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsvalue"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webcrypto"
)

// maxRandomValues is the Web Crypto limit on one getRandomValues call, in bytes.
const maxRandomValues = 65536

// Install sets the globals on rt.
func Install(rt *sobek.Runtime) error {
	g := rt.GlobalObject()
	crypto := rt.NewObject()
	for name, fn := range map[string]any{
		"getRandomValues": func(call sobek.FunctionCall) sobek.Value { return getRandomValues(rt, call.Argument(0)) },
		"randomUUID":      func(sobek.FunctionCall) sobek.Value { return rt.ToValue(randomUUID()) },
	} {
		if err := crypto.Set(name, fn); err != nil {
			return fmt.Errorf("setting crypto.%s: %w", name, err)
		}
	}
	clone, err := structuredClone(rt)
	if err != nil {
		return err
	}
	// crypto.subtle (Web Crypto) lives in its own package; it adds the CryptoKey global too.
	if err := webcrypto.Install(rt, crypto); err != nil {
		return err
	}
	// Object.prototype.toString names the classes, as it does elsewhere.
	_ = crypto.DefineDataPropertySymbol(sobek.SymToStringTag, rt.ToValue("Crypto"), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	classes := map[string]sobek.Value{"TextEncoder": rt.ToValue(textEncoder(rt)), "TextDecoder": rt.ToValue(textDecoder(rt))}
	for name, c := range classes {
		proto := c.ToObject(rt).Get("prototype").ToObject(rt)
		_ = proto.DefineDataPropertySymbol(sobek.SymToStringTag, rt.ToValue(name), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	}
	if err := installURL(rt); err != nil {
		return err
	}
	for name, val := range map[string]any{
		"structuredClone": clone,
		"TextEncoder":     classes["TextEncoder"],
		"TextDecoder":     classes["TextDecoder"],
		"crypto":          crypto,
	} {
		if err := g.Set(name, val); err != nil {
			return fmt.Errorf("setting the global %s: %w", name, err)
		}
	}
	return nil
}

// domError is an Error whose name is a DOMException name, so scripts can test err.name as
// they would in a browser or in k6.
func domError(rt *sobek.Runtime, name, msg string) *sobek.Object {
	e, err := rt.New(rt.Get("Error"), rt.ToValue(msg))
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("%s: %s", name, msg)))
	}
	_ = e.DefineDataProperty("name", rt.ToValue(name), sobek.FLAG_TRUE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	return e
}

var integerArrays = map[string]bool{
	"Int8Array": true, "Uint8Array": true, "Uint8ClampedArray": true,
	"Int16Array": true, "Uint16Array": true, "Int32Array": true, "Uint32Array": true,
	"BigInt64Array": true, "BigUint64Array": true,
}

// getRandomValues fills an integer typed array with random bytes in place and returns it.
func getRandomValues(rt *sobek.Runtime, v sobek.Value) sobek.Value {
	obj, ok := v.(*sobek.Object)
	kind := ""
	if ok {
		if tag := obj.GetSymbol(sobek.SymToStringTag); tag != nil && !sobek.IsUndefined(tag) {
			kind = tag.String()
		}
	}
	if !integerArrays[kind] {
		what := kind
		if what == "" {
			what = jsvalue.Describe(v)
		}
		panic(domError(rt, "TypeMismatchError", fmt.Sprintf("crypto.getRandomValues(): the argument must be an integer typed array (such as a Uint8Array), not %s", what)))
	}
	b, ok := jsbytes.View(rt, obj)
	if !ok {
		panic(rt.NewTypeError("crypto.getRandomValues(): cannot read the array's buffer"))
	}
	if len(b) > maxRandomValues {
		panic(domError(rt, "QuotaExceededError", fmt.Sprintf("crypto.getRandomValues(): the array has %d bytes; at most %d can be filled at once", len(b), maxRandomValues)))
	}
	_, _ = rand.Read(b)
	return obj
}

// randomUUID is a version 4 UUID (RFC 9562): 122 random bits.
func randomUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
