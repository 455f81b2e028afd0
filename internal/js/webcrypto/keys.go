package webcrypto

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
)

// key is what a CryptoKey object stands for.
type key struct {
	typ         string // "secret", "public" or "private"
	extractable bool
	alg         string
	usages      []string
	hash        string // HMAC and RSA keys
	curve       string // EC keys: P-256, P-384, P-521
	secret      []byte // AES, HMAC, PBKDF2, HKDF
	// *ecdsa.PrivateKey/PublicKey (ECDSA and ECDH on NIST curves), ed25519.PrivateKey/PublicKey,
	// *ecdh.PrivateKey/PublicKey (X25519), *rsa.PrivateKey/PublicKey.
	priv any
	pub  any
}

// usages each algorithm's keys may have, by key type.
var allowedUsages = map[string]map[string][]string{
	"AES-GCM":           {"secret": {"encrypt", "decrypt", "wrapKey", "unwrapKey"}},
	"AES-CBC":           {"secret": {"encrypt", "decrypt", "wrapKey", "unwrapKey"}},
	"AES-CTR":           {"secret": {"encrypt", "decrypt", "wrapKey", "unwrapKey"}},
	"AES-KW":            {"secret": {"wrapKey", "unwrapKey"}},
	"HMAC":              {"secret": {"sign", "verify"}},
	"PBKDF2":            {"secret": {"deriveKey", "deriveBits"}},
	"HKDF":              {"secret": {"deriveKey", "deriveBits"}},
	"ECDSA":             {"private": {"sign"}, "public": {"verify"}},
	"Ed25519":           {"private": {"sign"}, "public": {"verify"}},
	"RSASSA-PKCS1-v1_5": {"private": {"sign"}, "public": {"verify"}},
	"RSA-PSS":           {"private": {"sign"}, "public": {"verify"}},
	"RSA-OAEP":          {"private": {"decrypt", "unwrapKey"}, "public": {"encrypt", "wrapKey"}},
	"ECDH":              {"private": {"deriveKey", "deriveBits"}, "public": {}},
	"X25519":            {"private": {"deriveKey", "deriveBits"}, "public": {}},
}

// readUsages reads the keyUsages argument: an array of known usage names.
func (s *subtle) readUsages(v sobek.Value) []string {
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Array" {
		fail("TypeError", "the key usages must be an array such as ['sign', 'verify'], not %s", describe(v))
	}
	var out []string
	for i := range obj.Get("length").ToInteger() {
		u := obj.Get(itoa(i)).String()
		switch u {
		case "encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey":
		default:
			fail("TypeError", "%q is not a key usage (the usages are encrypt, decrypt, sign, verify, deriveKey, deriveBits, wrapKey and unwrapKey)", u)
		}
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// keepUsages checks the usages asked for against what a key of this type allows, and returns
// the ones that apply to it.
func keepUsages(alg, typ string, usages []string) []string {
	allowed := allowedUsages[alg][typ]
	var out []string
	for _, u := range usages {
		if !slices.Contains(allowed, u) {
			fail("SyntaxError", "%s %s %s key cannot be used to %s (it can: %s)", article(alg), alg, typ, u, orNothing(allowed))
		}
		out = append(out, u)
	}
	if (typ == "secret" || typ == "private") && len(out) == 0 {
		fail("SyntaxError", "%s %s %s key needs at least one usage (%s)", article(alg), alg, typ, orNothing(allowed))
	}
	return out
}

// article is "an" before names read with a leading vowel sound (AES, HMAC, RSA, ECDH).
func article(name string) string {
	if name != "" && strings.ContainsRune("AEFHILMNORSX", rune(name[0])) {
		return "an"
	}
	return "a"
}

func orNothing(l []string) string {
	if len(l) == 0 {
		return "nothing"
	}
	return strings.Join(l, ", ")
}

// intersect keeps the usages asked for that a key of typ allows, for the halves of a pair.
func intersect(alg, typ string, usages []string) []string {
	var out []string
	for _, u := range usages {
		if slices.Contains(allowedUsages[alg][typ], u) {
			out = append(out, u)
		}
	}
	return out
}

// object makes the CryptoKey object for k.
func (s *subtle) object(k *key) *sobek.Object {
	rt := s.rt
	o := rt.NewObject()
	_ = o.SetPrototype(s.keyProto)
	usages := make([]any, len(k.usages))
	for i, u := range k.usages {
		usages[i] = u
	}
	// Enumerable and in the browsers' order, so JSON.stringify(key) and console.log show
	// them as k6 does.
	for _, p := range []struct {
		name string
		v    any
	}{{"type", k.typ}, {"extractable", k.extractable}, {"algorithm", s.algorithmObject(k)}, {"usages", rt.NewArray(usages...)}} {
		_ = o.DefineDataProperty(p.name, rt.ToValue(p.v), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	}
	_ = o.DefineDataPropertySymbol(s.keySym, rt.ToValue(k), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_FALSE)
	return o
}

// algorithmObject is the key's `algorithm` member, with the fields WebCrypto gives each kind.
func (s *subtle) algorithmObject(k *key) *sobek.Object {
	rt := s.rt
	o := rt.NewObject()
	_ = o.Set("name", k.alg)
	hashObj := func() *sobek.Object { h := rt.NewObject(); _ = h.Set("name", k.hash); return h }
	switch k.alg {
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		_ = o.Set("length", len(k.secret)*8)
	case "HMAC":
		_ = o.Set("hash", hashObj())
		_ = o.Set("length", len(k.secret)*8)
	case "ECDSA", "ECDH":
		_ = o.Set("namedCurve", k.curve)
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		pub := k.rsaPublic()
		_ = o.Set("modulusLength", pub.N.BitLen())
		e, _ := jsUint8(rt, big.NewInt(int64(pub.E)).Bytes())
		_ = o.Set("publicExponent", e)
		_ = o.Set("hash", hashObj())
	}
	return o
}

func jsUint8(rt *sobek.Runtime, b []byte) (*sobek.Object, error) {
	return rt.New(rt.Get("Uint8Array"), rt.ToValue(rt.NewArrayBuffer(b)))
}

func (k *key) rsaPublic() *rsa.PublicKey {
	if p, ok := k.priv.(*rsa.PrivateKey); ok {
		return &p.PublicKey
	}
	return k.pub.(*rsa.PublicKey)
}

// keyArg reads a CryptoKey argument.
func (s *subtle) keyArg(v sobek.Value, what string) *key {
	if obj, ok := v.(*sobek.Object); ok {
		if v := obj.GetSymbol(s.keySym); v != nil {
			if k, ok := v.Export().(*key); ok {
				return k
			}
		}
	}
	fail("TypeError", "%s must be a CryptoKey (from generateKey, importKey or deriveKey), not %s", what, describe(v))
	return nil
}

// useKey checks that the key fits the algorithm asked for and has the usage.
func useKey(k *key, a algorithm, usage string) {
	if k.alg != a.name {
		fail("InvalidAccessError", "the key is %s %s key, not %s %s key", article(k.alg), k.alg, article(a.name), a.name)
	}
	if !slices.Contains(k.usages, usage) {
		fail("InvalidAccessError", "the key's usages (%s) do not include %q", orNothing(k.usages), usage)
	}
}

// ---- generateKey -----------------------------------------------------------------------

var curves = map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}

func (s *subtle) curveParam(a algorithm) string {
	c := a.get("namedCurve", true).String()
	if curves[c] == nil {
		fail("NotSupportedError", "%s: the curve %q is not supported (use P-256, P-384 or P-521)", a.name, c)
	}
	return c
}

func aesLength(a algorithm) int {
	n := a.integer("length", true, 0)
	if n != 128 && n != 192 && n != 256 {
		fail("OperationError", "%s: the key length must be 128, 192 or 256 bits, not %d", a.name, n)
	}
	return int(n) / 8
}

// hmacLength is the key length in bytes: the `length` parameter, else the hash's block size.
func hmacLength(a algorithm, hash string) int {
	def := int64(hashFunc(hash)().BlockSize() * 8)
	n := a.integer("length", false, def)
	if n == 0 || n%8 != 0 {
		fail("OperationError", "HMAC: the key length must be a positive multiple of 8 bits, not %d", n)
	}
	return int(n / 8)
}

func (s *subtle) generateKey(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	extractable := call.Argument(1).ToBoolean()
	usages := s.readUsages(call.Argument(2))
	secret := func(n int) sobek.Value {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return s.object(&key{typ: "secret", extractable: extractable, alg: a.name, usages: keepUsages(a.name, "secret", usages), secret: b})
	}
	switch a.name {
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		return secret(aesLength(a))
	case "HMAC":
		h := s.hashAlg(a, "hash")
		keepUsages(a.name, "secret", usages)
		b := make([]byte, hmacLength(a, h))
		_, _ = rand.Read(b)
		return s.object(&key{typ: "secret", extractable: extractable, alg: a.name, usages: usages, secret: b, hash: h})
	}
	pair := &key{alg: a.name}
	switch a.name {
	case "ECDSA", "ECDH":
		pair.curve = s.curveParam(a)
		p, err := ecdsa.GenerateKey(curves[pair.curve], rand.Reader)
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		pair.priv, pair.pub = p, &p.PublicKey
	case "Ed25519":
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		pair.priv, pair.pub = priv, pub
	case "X25519":
		p, _ := ecdh.X25519().GenerateKey(rand.Reader)
		pair.priv, pair.pub = p, p.PublicKey()
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		pair.hash = s.hashAlg(a, "hash")
		bits := a.integer("modulusLength", true, 0)
		e := s.bufferSource(a.get("publicExponent", true), a.name+": publicExponent")
		if new(big.Int).SetBytes(e).Int64() != 65537 {
			fail("NotSupportedError", "%s: only the public exponent 65537 ([1, 0, 1]) is supported", a.name)
		}
		if bits < 1024 || bits > 16384 || bits%8 != 0 {
			fail("OperationError", "%s: modulusLength must be a multiple of 8 from 1024 to 16384, not %d", a.name, bits)
		}
		p, err := rsa.GenerateKey(rand.Reader, int(bits))
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		pair.priv, pair.pub = p, &p.PublicKey
	default:
		fail("NotSupportedError", "%s keys cannot be generated", a.name)
	}
	privUsages := keepUsages(a.name, "private", intersect(a.name, "private", usages))
	for _, u := range usages {
		if !slices.Contains(allowedUsages[a.name]["private"], u) && !slices.Contains(allowedUsages[a.name]["public"], u) {
			fail("SyntaxError", "%s %s key cannot be used to %s", article(a.name), a.name, u)
		}
	}
	priv, pub := *pair, *pair
	priv.typ, priv.extractable, priv.usages, priv.pub = "private", extractable, privUsages, nil
	// A public key is always extractable: it is public.
	pub.typ, pub.extractable, pub.usages, pub.priv = "public", true, intersect(a.name, "public", usages), nil
	if pub.usages == nil {
		pub.usages = []string{}
	}
	if p, ok := pair.priv.(*ecdsa.PrivateKey); ok {
		priv.pub = &p.PublicKey
	}
	o := s.rt.NewObject()
	_ = o.Set("privateKey", s.object(&priv))
	_ = o.Set("publicKey", s.object(&pub))
	return o
}

// ---- importKey -------------------------------------------------------------------------

func (s *subtle) importKey(call sobek.FunctionCall) sobek.Value {
	format := call.Argument(0).String()
	a := s.alg(call.Argument(2), "the algorithm")
	extractable := call.Argument(3).ToBoolean()
	usages := s.readUsages(call.Argument(4))
	return s.object(s.importAs(format, call.Argument(1), a, extractable, usages))
}

func (s *subtle) importAs(format string, data sobek.Value, a algorithm, extractable bool, usages []string) *key {
	k := &key{alg: a.name, extractable: extractable}
	var jwk *sobek.Object
	var raw []byte
	switch format {
	case "raw", "spki", "pkcs8":
		raw = s.bufferSource(data, "the key data")
	case "jwk":
		o, ok := data.(*sobek.Object)
		if !ok || o.ClassName() != "Object" {
			fail("TypeError", "a jwk key must be an object, not %s", describe(data))
		}
		jwk = o
		checkJWKUse(o, extractable, usages)
	default:
		fail("TypeError", "the key format %q is not one of raw, jwk, spki or pkcs8", format)
	}
	switch a.name {
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "HMAC", "PBKDF2", "HKDF":
		k.typ = "secret"
		switch {
		case format == "raw":
			k.secret = raw
		case format == "jwk" && a.name != "PBKDF2" && a.name != "HKDF":
			k.secret = s.jwkSecret(jwk, a)
		default:
			fail("NotSupportedError", "%s keys cannot be imported in the %s format", a.name, format)
		}
		switch a.name {
		case "HMAC":
			k.hash = s.hashAlg(a, "hash")
			if len(k.secret) == 0 {
				fail("DataError", "HMAC: the key is empty")
			}
			if n := a.get("length", false); !isNullish(n) && n.ToInteger() != int64(len(k.secret)*8) {
				fail("DataError", "HMAC: the length %d does not match the key's %d bits", n.ToInteger(), len(k.secret)*8)
			}
		case "PBKDF2", "HKDF":
			if extractable {
				fail("SyntaxError", "%s keys cannot be extractable: pass false", a.name)
			}
		default:
			if n := len(k.secret); n != 16 && n != 24 && n != 32 {
				fail("DataError", "%s: the key has %d bytes; AES keys have 16, 24 or 32", a.name, n)
			}
		}
		k.usages = keepUsages(a.name, "secret", usages)
		return k
	case "ECDSA", "ECDH":
		k.curve = s.curveParam(a)
		s.importEC(k, format, raw, jwk)
	case "Ed25519", "X25519":
		s.importOKP(k, format, raw, jwk)
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		k.hash = s.hashAlg(a, "hash")
		s.importRSA(k, format, raw, jwk)
	default:
		fail("NotSupportedError", "%s keys cannot be imported", a.name)
	}
	if k.priv != nil {
		k.typ = "private"
	} else {
		k.typ = "public"
	}
	k.usages = keepUsages(a.name, k.typ, usages)
	if k.usages == nil {
		k.usages = []string{}
	}
	return k
}

// jwkField reads a base64url member of a JWK.
func jwkField(o *sobek.Object, name string, required bool) []byte {
	v := o.Get(name)
	if isNullish(v) {
		if required {
			fail("DataError", "the JWK has no %q member", name)
		}
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v.String(), "="))
	if err != nil {
		fail("DataError", "the JWK member %q is not base64url: %v", name, err)
	}
	return b
}

// checkJWKUse refuses what the JWK itself forbids: extracting a key marked `ext: false`, and
// usages its `key_ops` leave out.
func checkJWKUse(o *sobek.Object, extractable bool, usages []string) {
	if ext := o.Get("ext"); !isNullish(ext) && !ext.ToBoolean() && extractable {
		fail("DataError", "the JWK says ext: false; import it with extractable false")
	}
	ops, ok := o.Get("key_ops").(*sobek.Object)
	if !ok {
		return
	}
	var listed []string
	for i := range ops.Get("length").ToInteger() {
		listed = append(listed, ops.Get(itoa(i)).String())
	}
	for _, u := range usages {
		if !slices.Contains(listed, u) {
			fail("DataError", "the JWK's key_ops (%s) do not include %q", orNothing(listed), u)
		}
	}
}

func jwkString(o *sobek.Object, name string) string {
	if v := o.Get(name); !isNullish(v) {
		return v.String()
	}
	return ""
}

func (s *subtle) jwkSecret(o *sobek.Object, a algorithm) []byte {
	if kty := jwkString(o, "kty"); kty != "oct" {
		fail("DataError", "%s %s JWK has kty \"oct\", not %q", article(a.name), a.name, kty)
	}
	b := jwkField(o, "k", true)
	want := ""
	if a.name == "HMAC" {
		want = jwkHMACAlg(s.hashAlg(a, "hash"))
	} else {
		want = jwkAESAlg(a.name, len(b))
	}
	if got := jwkString(o, "alg"); got != "" && got != want {
		fail("DataError", "the JWK's alg is %q; this key needs %q", got, want)
	}
	return b
}

func jwkHMACAlg(hash string) string { return "HS" + strings.TrimPrefix(hash, "SHA-") }

func jwkAESAlg(alg string, n int) string {
	return "A" + itoa(int64(n*8)) + map[string]string{"AES-GCM": "GCM", "AES-CBC": "CBC", "AES-CTR": "CTR", "AES-KW": "KW"}[alg]
}

func (s *subtle) importEC(k *key, format string, raw []byte, jwk *sobek.Object) {
	curve := curves[k.curve]
	switch format {
	case "raw":
		p, err := ecdsa.ParseUncompressedPublicKey(curve, raw)
		if err != nil {
			fail("DataError", "%s: the raw key is not an uncompressed %s point: %v", k.alg, k.curve, err)
		}
		k.pub = p
	case "spki":
		p, err := x509.ParsePKIXPublicKey(raw)
		pub, ok := p.(*ecdsa.PublicKey)
		if err != nil || !ok {
			fail("DataError", "%s: the data is not an EC public key in SPKI (DER) form", k.alg)
		}
		k.pub = pub
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(raw)
		priv, ok := p.(*ecdsa.PrivateKey)
		if err != nil || !ok {
			fail("DataError", "%s: the data is not an EC private key in PKCS #8 (DER) form", k.alg)
		}
		k.priv, k.pub = priv, &priv.PublicKey
	case "jwk":
		if kty := jwkString(jwk, "kty"); kty != "EC" {
			fail("DataError", "an %s JWK has kty \"EC\", not %q", k.alg, kty)
		}
		if crv := jwkString(jwk, "crv"); crv != k.curve {
			fail("DataError", "the JWK's crv is %q, not %s", crv, k.curve)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, y := jwkField(jwk, "x", true), jwkField(jwk, "y", true)
		if len(x) != size || len(y) != size {
			fail("DataError", "the JWK's x and y must have %d bytes each for %s", size, k.curve)
		}
		point := append(append([]byte{4}, x...), y...)
		if d := jwkField(jwk, "d", false); d != nil {
			p, err := ecdsa.ParseRawPrivateKey(curve, d)
			if err != nil {
				fail("DataError", "the JWK's d is not a %s private key: %v", k.curve, err)
			}
			k.priv, k.pub = p, &p.PublicKey
		} else {
			p, err := ecdsa.ParseUncompressedPublicKey(curve, point)
			if err != nil {
				fail("DataError", "the JWK's x and y are not a point on %s: %v", k.curve, err)
			}
			k.pub = p
		}
	}
	if k.pub.(*ecdsa.PublicKey).Curve != curve {
		fail("DataError", "the key is not on the curve %s", k.curve)
	}
}

func (s *subtle) importOKP(k *key, format string, raw []byte, jwk *sobek.Object) {
	ed := k.alg == "Ed25519"
	bad := func(what string) { fail("DataError", "%s: the data is not %s", k.alg, what) }
	switch format {
	case "raw":
		if len(raw) != 32 {
			bad("a 32-byte public key")
		}
		if ed {
			k.pub = ed25519.PublicKey(raw)
		} else if p, err := ecdh.X25519().NewPublicKey(raw); err == nil {
			k.pub = p
		} else {
			bad("an X25519 public key")
		}
	case "spki":
		p, err := x509.ParsePKIXPublicKey(raw)
		if err != nil {
			bad("a public key in SPKI (DER) form")
		}
		switch pk := p.(type) {
		case ed25519.PublicKey:
			if !ed {
				bad("an X25519 key")
			}
			k.pub = pk
		case *ecdh.PublicKey:
			if ed || pk.Curve() != ecdh.X25519() {
				bad("an " + k.alg + " key")
			}
			k.pub = pk
		default:
			bad("an " + k.alg + " key")
		}
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(raw)
		if err != nil {
			bad("a private key in PKCS #8 (DER) form")
		}
		switch pk := p.(type) {
		case ed25519.PrivateKey:
			if !ed {
				bad("an X25519 key")
			}
			k.priv = pk
		case *ecdh.PrivateKey:
			if ed || pk.Curve() != ecdh.X25519() {
				bad("an " + k.alg + " key")
			}
			k.priv = pk
		default:
			bad("an " + k.alg + " key")
		}
	case "jwk":
		if kty, crv := jwkString(jwk, "kty"), jwkString(jwk, "crv"); kty != "OKP" || crv != k.alg {
			fail("DataError", "an %s JWK has kty \"OKP\" and crv %q, not %q and %q", k.alg, k.alg, kty, crv)
		}
		x := jwkField(jwk, "x", true)
		d := jwkField(jwk, "d", false)
		if len(x) != 32 || d != nil && len(d) != 32 {
			bad("a JWK with 32-byte x and d")
		}
		switch {
		case ed && d != nil:
			k.priv = ed25519.NewKeyFromSeed(d)
		case ed:
			k.pub = ed25519.PublicKey(x)
		case d != nil:
			p, err := ecdh.X25519().NewPrivateKey(d)
			if err != nil {
				bad("an X25519 private key")
			}
			k.priv = p
		default:
			p, err := ecdh.X25519().NewPublicKey(x)
			if err != nil {
				bad("an X25519 public key")
			}
			k.pub = p
		}
	}
}

func (s *subtle) importRSA(k *key, format string, raw []byte, jwk *sobek.Object) {
	switch format {
	case "spki":
		p, err := x509.ParsePKIXPublicKey(raw)
		pub, ok := p.(*rsa.PublicKey)
		if err != nil || !ok {
			fail("DataError", "%s: the data is not an RSA public key in SPKI (DER) form", k.alg)
		}
		k.pub = pub
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(raw)
		priv, ok := p.(*rsa.PrivateKey)
		if err != nil || !ok {
			fail("DataError", "%s: the data is not an RSA private key in PKCS #8 (DER) form", k.alg)
		}
		k.priv = priv
	case "jwk":
		if kty := jwkString(jwk, "kty"); kty != "RSA" {
			fail("DataError", "an %s JWK has kty \"RSA\", not %q", k.alg, kty)
		}
		num := func(name string) *big.Int { return new(big.Int).SetBytes(jwkField(jwk, name, true)) }
		pub := rsa.PublicKey{N: num("n"), E: int(num("e").Int64())}
		if isNullish(jwk.Get("d")) {
			k.pub = &pub
			return
		}
		priv := &rsa.PrivateKey{PublicKey: pub, D: num("d"), Primes: []*big.Int{num("p"), num("q")}}
		if err := priv.Validate(); err != nil {
			fail("DataError", "%s: the JWK is not a valid RSA private key: %v", k.alg, err)
		}
		priv.Precompute()
		k.priv = priv
	default:
		fail("NotSupportedError", "%s keys cannot be imported in the %s format", k.alg, format)
	}
}

// ---- exportKey -------------------------------------------------------------------------

func (s *subtle) exportKey(call sobek.FunctionCall) sobek.Value {
	format := call.Argument(0).String()
	k := s.keyArg(call.Argument(1), "the key")
	if !k.extractable {
		fail("InvalidAccessError", "the key is not extractable")
	}
	switch format {
	case "raw":
		return s.arrayBuffer(rawKey(k))
	case "jwk":
		return s.jwkObject(k)
	case "spki":
		if k.typ != "public" {
			fail("InvalidAccessError", "only a public key exports as spki; this is a %s key", k.typ)
		}
		b, err := x509.MarshalPKIXPublicKey(k.pub)
		if err != nil {
			fail("OperationError", "%v", err)
		}
		return s.arrayBuffer(b)
	case "pkcs8":
		if k.typ != "private" {
			fail("InvalidAccessError", "only a private key exports as pkcs8; this is a %s key", k.typ)
		}
		b, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			fail("OperationError", "%v", err)
		}
		return s.arrayBuffer(b)
	}
	fail("TypeError", "the key format %q is not one of raw, jwk, spki or pkcs8", format)
	return nil
}

func rawKey(k *key) []byte {
	switch {
	case k.typ == "secret":
		return append([]byte(nil), k.secret...)
	case k.typ == "public":
		switch p := k.pub.(type) {
		case *ecdsa.PublicKey:
			b, err := p.Bytes()
			if err != nil {
				fail("OperationError", "%v", err)
			}
			return b
		case ed25519.PublicKey:
			return append([]byte(nil), p...)
		case *ecdh.PublicKey:
			return p.Bytes()
		}
	}
	fail("InvalidAccessError", "%s %s %s key does not export as raw", article(k.alg), k.alg, k.typ)
	return nil
}

func (s *subtle) jwkObject(k *key) sobek.Value {
	o := s.rt.NewObject()
	set := func(name string, b []byte) { _ = o.Set(name, base64.RawURLEncoding.EncodeToString(b)) }
	pad := func(b []byte, n int) []byte { return append(make([]byte, n-len(b)), b...) }
	switch k.alg {
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		_ = o.Set("kty", "oct")
		set("k", k.secret)
		_ = o.Set("alg", jwkAESAlg(k.alg, len(k.secret)))
	case "HMAC":
		_ = o.Set("kty", "oct")
		set("k", k.secret)
		_ = o.Set("alg", jwkHMACAlg(k.hash))
	case "ECDSA", "ECDH":
		pub := k.pub.(*ecdsa.PublicKey)
		size := (pub.Curve.Params().BitSize + 7) / 8
		pt, _ := pub.Bytes()
		_ = o.Set("kty", "EC")
		_ = o.Set("crv", k.curve)
		set("x", pt[1:1+size])
		set("y", pt[1+size:])
		if p, ok := k.priv.(*ecdsa.PrivateKey); ok {
			d, _ := p.Bytes()
			set("d", pad(d, size))
		}
	case "Ed25519", "X25519":
		_ = o.Set("kty", "OKP")
		_ = o.Set("crv", k.alg)
		switch p := k.priv.(type) {
		case ed25519.PrivateKey:
			set("x", p.Public().(ed25519.PublicKey))
			set("d", p.Seed())
		case *ecdh.PrivateKey:
			set("x", p.PublicKey().Bytes())
			set("d", p.Bytes())
		default:
			set("x", rawKey(k))
		}
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		pub := k.rsaPublic()
		_ = o.Set("kty", "RSA")
		set("n", pub.N.Bytes())
		set("e", big.NewInt(int64(pub.E)).Bytes())
		h := strings.TrimPrefix(k.hash, "SHA-")
		_ = o.Set("alg", map[string]string{"RSASSA-PKCS1-v1_5": "RS", "RSA-PSS": "PS", "RSA-OAEP": "RSA-OAEP-"}[k.alg]+h)
		if k.alg == "RSA-OAEP" && h == "1" {
			_ = o.Set("alg", "RSA-OAEP")
		}
		if p, ok := k.priv.(*rsa.PrivateKey); ok && len(p.Primes) == 2 {
			p.Precompute()
			set("d", p.D.Bytes())
			set("p", p.Primes[0].Bytes())
			set("q", p.Primes[1].Bytes())
			set("dp", p.Precomputed.Dp.Bytes())
			set("dq", p.Precomputed.Dq.Bytes())
			set("qi", p.Precomputed.Qinv.Bytes())
		}
	default:
		fail("NotSupportedError", "%s keys do not export as jwk", k.alg)
	}
	ops := make([]any, len(k.usages))
	for i, u := range k.usages {
		ops[i] = u
	}
	_ = o.Set("key_ops", s.rt.NewArray(ops...))
	_ = o.Set("ext", k.extractable)
	return o
}
