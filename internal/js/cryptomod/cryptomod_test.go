package cryptomod_test

import (
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/cryptomod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// run evaluates expr in a VU that has k6/crypto bound to the global `crypto` and a `hex`
// helper for ArrayBuffers.
func run(t *testing.T, expr string) (string, error) {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Import("crypto", cryptomod.New())
	vu.MoveToVUContext()
	if _, err := vu.Run(`function hex(ab) { return Array.from(new Uint8Array(ab), (b) => b.toString(16).padStart(2, '0')).join(''); }`); err != nil {
		t.Fatal(err)
	}
	v, err := vu.Run(expr)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// Known answers: RFC 1320 (MD4), RFC 1321 (MD5), FIPS 180 (SHA), the RIPEMD-160 paper, RFC
// 2202 and RFC 4231 (HMAC).
func TestCryptoKnownVectors(t *testing.T) {
	const million = `'12345678901234567890123456789012345678901234567890123456789012345678901234567890'`
	cases := []struct{ expr, want string }{
		{`crypto.md4('', 'hex')`, "31d6cfe0d16ae931b73c59d7e0c089c0"},
		{`crypto.md4('abc', 'hex')`, "a448017aaf21d8525fc10ae87aa6729d"},
		{`crypto.md4('message digest', 'hex')`, "d9130a8164549fe818874806e1c7014b"},
		{`crypto.md4(` + million + `, 'hex')`, "e33b4ddc9c38f2199c3e7b164fcc0536"},
		{`crypto.md5('abc', 'hex')`, "900150983cd24fb0d6963f7d28e17f72"},
		{`crypto.md5(` + million + `, 'hex')`, "57edf4a22be3c955ac49da2e2107b67a"},
		{`crypto.sha1('abc', 'hex')`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{`crypto.sha256('abc', 'hex')`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.sha256('', 'hex')`, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{`crypto.sha384('abc', 'hex')`, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
		{`crypto.sha512('abc', 'hex')`, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
		{`crypto.sha512_224('abc', 'hex')`, "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa"},
		{`crypto.sha512_256('abc', 'hex')`, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
		{`crypto.ripemd160('', 'hex')`, "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
		{`crypto.ripemd160('a', 'hex')`, "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
		{`crypto.ripemd160('abc', 'hex')`, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
		{`crypto.ripemd160('message digest', 'hex')`, "5d0689ef49d2fae572b881b123a85ffa21595f36"},
		{`crypto.ripemd160(` + million + `, 'hex')`, "9b752e45573d4b39f4dbd3323cab82bf63326bfb"},
		{`crypto.ripemd160('a'.repeat(1000), 'hex') === crypto.createHash('ripemd160').update('a'.repeat(500)).update('a'.repeat(500)).digest('hex')`, "true"},
		// Output encodings.
		{`crypto.sha256('abc', 'base64')`, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
		{`crypto.sha256('abc', 'base64url')`, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="},
		{`crypto.sha256('abc', 'base64rawurl')`, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"},
		{`const b = crypto.sha1('abc', 'binary'); (b instanceof ArrayBuffer) + ' ' + hex(b)`, "true a9993e364706816aba3e25717850c26c9cd0d89d"},
		// Inputs: ArrayBuffer, typed array, array of bytes, non-ASCII text as UTF-8.
		{`crypto.sha256(new Uint8Array([97, 98, 99]).buffer, 'hex')`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.sha256(new Uint8Array([0, 97, 98, 99, 0]).subarray(1, 4), 'hex')`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.sha256([97, 98, 99], 'hex')`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`crypto.md5('é', 'hex') === crypto.md5(new Uint8Array([0xc3, 0xa9]).buffer, 'hex')`, "true"},
		// HMAC: RFC 2202 and RFC 4231 test case 2, and test case 1 with a binary key.
		{`crypto.hmac('md5', 'Jefe', 'what do ya want for nothing?', 'hex')`, "750c783e6ab0b503eaa86e310a5db738"},
		{`crypto.hmac('sha1', 'Jefe', 'what do ya want for nothing?', 'hex')`, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
		{`crypto.hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex')`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{`crypto.hmac('sha384', 'Jefe', 'what do ya want for nothing?', 'hex')`, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"},
		{`crypto.hmac('sha512', 'Jefe', 'what do ya want for nothing?', 'hex')`, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
		{`crypto.hmac('ripemd160', 'Jefe', 'what do ya want for nothing?', 'hex')`, "dda6c0213a485a9e24f4742064a7f033b43c4069"},
		{`crypto.hmac('sha256', new Uint8Array(20).fill(0x0b).buffer, 'Hi There', 'hex')`, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{`hex(crypto.hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'binary'))`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		// createHash / createHMAC: updates add up; digest can be read again.
		{`const h = crypto.createHash('sha256'); h.update('a'); h.update(new Uint8Array([98]).buffer); h.update('c'); h.digest('hex') + ' ' + h.digest('base64')`,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
		{`const m = crypto.createHMAC('sha256', 'Jefe'); m.update('what do ya want '); m.update('for nothing?'); m.digest('hex')`,
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{`crypto.createHash('md4').update('abc').digest('hex')`, "a448017aaf21d8525fc10ae87aa6729d"},
		// randomBytes: an ArrayBuffer of the size asked for, different each time.
		{`const r = crypto.randomBytes(32); (r instanceof ArrayBuffer) + ' ' + r.byteLength + ' ' + (hex(r) !== hex(crypto.randomBytes(32)))`, "true 32 true"},
		{`crypto.randomBytes(0).byteLength`, "0"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			got, err := run(t, c.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

// Bad input gets an error that names the function and what was wrong, and lists the choices.
func TestCryptoBadInput(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`crypto.sha256('abc', 'hexx')`, `sha256(): unknown output encoding "hexx"; use hex, base64, base64url, base64rawurl or binary`},
		{`crypto.sha256('abc')`, `sha256(): the output encoding is missing`},
		{`crypto.sha256(undefined, 'hex')`, `sha256(): the input is missing`},
		{`crypto.hmac('sha3', 'k', 'd', 'hex')`, `hmac(): unknown hash algorithm "sha3"; use md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256 or ripemd160`},
		{`crypto.createHash()`, `createHash(): the hash algorithm is missing`},
		{`crypto.createHMAC('SHA256', 'k')`, `createHMAC(): unknown hash algorithm "SHA256"`},
		{`crypto.createHash('sha1').update('x').digest('b64')`, `createHash().digest(): unknown output encoding "b64"`},
		{`crypto.hmac('sha256', 'k', [1, 300], 'hex')`, `hmac(): the data: element 1 of the array is 300, not a byte`},
		{`crypto.sha1({ a: 1 }, 'hex')`, `sha1(): the input must be a string, an ArrayBuffer or a typed array, not an object`},
		{`crypto.randomBytes(-1)`, `randomBytes(-1): the size must be a whole number of bytes`},
		{`crypto.randomBytes(1.5)`, `randomBytes(1.5): the size must be a whole number of bytes`},
		{`crypto.randomBytes()`, `randomBytes(undefined): the size must be a whole number of bytes`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			got, err := run(t, c.expr)
			if err == nil {
				t.Fatalf("no error; got %s", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one with %q", err, c.want)
			}
			if strings.Contains(err.Error(), "goroutine") || strings.Contains(err.Error(), ".go:") {
				t.Fatalf("the error shows Go internals: %q", err)
			}
		})
	}
}
