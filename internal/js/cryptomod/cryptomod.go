// Package cryptomod is `k6/crypto`: one-shot hashes (md4, md5, sha1, sha256, sha384, sha512,
// sha512_224, sha512_256, ripemd160), hmac, createHash/createHMAC with update() and digest(), and
// randomBytes, with k6's output encodings (hex, base64, base64url, base64rawurl, binary).
package cryptomod

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsbytes"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the path scripts import the module by.
const ImportPath = "k6/crypto"

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

var algorithms = map[string]func() hash.Hash{
	"md4":        newMD4,
	"md5":        md5.New,
	"sha1":       sha1.New,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512_224": sha512.New512_224,
	"sha512_256": sha512.New512_256,
	"ripemd160":  newRIPEMD160,
}

const algorithmList = "md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256 or ripemd160"

// maxRandomBytes bounds randomBytes so a typo cannot ask for gigabytes of memory.
const maxRandomBytes = 64 << 20

// exports builds one VU's functions.
func exports(vu modules.VU) modules.Exports {
	m := &mod{rt: vu.Runtime()}
	named := map[string]any{
		"hmac":        m.hmac,
		"createHash":  m.createHash,
		"createHMAC":  m.createHMAC,
		"randomBytes": m.randomBytes,
	}
	for name := range algorithms {
		named[name] = m.oneShot(name)
	}
	return modules.Exports{Named: named}
}

type mod struct{ rt *sobek.Runtime }

func (m *mod) throw(err error) { panic(m.rt.NewGoError(err)) }

// newHash returns the hash for a name a script gave, or an error naming the ones there are.
func newHash(fn, name string) (hash.Hash, error) {
	if f, ok := algorithms[name]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("%s: unknown hash algorithm %q; use %s", fn, name, algorithmList)
}

// algorithm returns the constructor of the hash a script named.
func (m *mod) algorithm(fn string, v sobek.Value) func() hash.Hash {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		m.throw(fmt.Errorf("%s: the hash algorithm is missing; use %s", fn, algorithmList))
	}
	if _, err := newHash(fn, v.String()); err != nil {
		m.throw(err)
	}
	return algorithms[v.String()]
}

func (m *mod) bytes(v sobek.Value, what string) []byte {
	b, err := jsbytes.From(m.rt, v, what)
	if err != nil {
		m.throw(err)
	}
	return b
}

// encode renders a digest in the output encoding the script asked for.
func (m *mod) encode(fn string, sum []byte, enc sobek.Value) sobek.Value {
	name := ""
	if enc != nil && !sobek.IsUndefined(enc) && !sobek.IsNull(enc) {
		name = enc.String()
	}
	switch name {
	case "hex":
		return m.rt.ToValue(hex.EncodeToString(sum))
	case "base64":
		return m.rt.ToValue(base64.StdEncoding.EncodeToString(sum))
	case "base64url":
		return m.rt.ToValue(base64.URLEncoding.EncodeToString(sum))
	case "base64rawurl":
		return m.rt.ToValue(base64.RawURLEncoding.EncodeToString(sum))
	case "binary":
		return jsbytes.ArrayBuffer(m.rt, sum)
	case "":
		m.throw(fmt.Errorf("%s: the output encoding is missing; use hex, base64, base64url, base64rawurl or binary", fn))
	}
	m.throw(fmt.Errorf("%s: unknown output encoding %q; use hex, base64, base64url, base64rawurl or binary", fn, name))
	return nil
}

// oneShot is sha256(input, outputEncoding) and its siblings.
func (m *mod) oneShot(name string) func(sobek.FunctionCall) sobek.Value {
	fn := name + "()"
	return func(call sobek.FunctionCall) sobek.Value {
		h, _ := newHash(fn, name)
		h.Write(m.bytes(call.Argument(0), fn+": the input"))
		return m.encode(fn, h.Sum(nil), call.Argument(1))
	}
}

// hmac(algorithm, secret, data, outputEncoding)
func (m *mod) hmac(call sobek.FunctionCall) sobek.Value {
	const fn = "hmac()"
	mac := hmac.New(m.algorithm(fn, call.Argument(0)), m.bytes(call.Argument(1), fn+": the secret"))
	mac.Write(m.bytes(call.Argument(2), fn+": the data"))
	return m.encode(fn, mac.Sum(nil), call.Argument(3))
}

// hasher is what createHash and createHMAC return: update() feeds it, digest() reads the
// sum so far (and may be called again after more updates).
func (m *mod) hasher(fn string, h hash.Hash) *sobek.Object {
	o := m.rt.NewObject()
	_ = o.Set("update", func(call sobek.FunctionCall) sobek.Value {
		h.Write(m.bytes(call.Argument(0), fn+".update(): the input"))
		return o
	})
	_ = o.Set("digest", func(call sobek.FunctionCall) sobek.Value {
		return m.encode(fn+".digest()", h.Sum(nil), call.Argument(0))
	})
	return o
}

func (m *mod) createHash(call sobek.FunctionCall) sobek.Value {
	return m.hasher("createHash()", m.algorithm("createHash()", call.Argument(0))())
}

func (m *mod) createHMAC(call sobek.FunctionCall) sobek.Value {
	const fn = "createHMAC()"
	return m.hasher(fn, hmac.New(m.algorithm(fn, call.Argument(0)), m.bytes(call.Argument(1), fn+": the secret")))
}

// randomBytes(n) returns n cryptographically random bytes as an ArrayBuffer.
func (m *mod) randomBytes(call sobek.FunctionCall) sobek.Value {
	v := call.Argument(0)
	f := v.ToFloat()
	if sobek.IsUndefined(v) || math.IsNaN(f) || f != math.Trunc(f) || f < 0 || f > maxRandomBytes {
		m.throw(fmt.Errorf("randomBytes(%s): the size must be a whole number of bytes from 0 to %d", v.String(), maxRandomBytes))
	}
	b := make([]byte, int(f))
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return jsbytes.ArrayBuffer(m.rt, b)
}
