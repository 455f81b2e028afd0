package js_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// Issue 10, section 2: crypto.subtle, as k6's examples/webcrypto use it, run through a real
// VU. Known answers come from FIPS 180 (digests), RFC 4231 (HMAC), the GCM specification
// (test case 4), NIST SP 800-38A (CBC, CTR), RFC 6070 (PBKDF2), RFC 5869 (HKDF) and RFC 8032
// (Ed25519); the rest are round trips through generateKey, importKey and exportKey in every
// format, and the errors a script tests err.name of.
func TestSubtleCrypto(t *testing.T) {
	want := map[string]string{
		"digest SHA-1":                                        "a9993e364706816aba3e25717850c26c9cd0d89d",
		"digest SHA-256":                                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"digest SHA-384":                                      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
		"digest SHA-512":                                      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		"digest refuses a string":                             "TypeError: crypto.subtle.digest(): the data must be an ArrayBuffer, a typed array or a DataView, not a string",
		"digest refuses MD5":                                  "NotSupportedError: crypto.subtle.digest(): the algorithm \"MD5\" is not supported",
		"HMAC known answer and verify":                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 true false secret false HMAC SHA-256 32 sign,verify [object CryptoKey]",
		"HMAC generateKey and export raw and jwk":             "128 oct HS512 true sign,verify true",
		"a verify-only key cannot sign":                       "InvalidAccessError: crypto.subtle.sign(): the key's usages (verify) do not include \"sign\"",
		"a key that is not extractable cannot be exported":    "InvalidAccessError: crypto.subtle.exportKey(): the key is not extractable",
		"an HMAC key cannot encrypt":                          "SyntaxError: crypto.subtle.generateKey(): an HMAC secret key cannot be used to encrypt (it can: sign, verify)",
		"a key of another algorithm is refused":               "InvalidAccessError: crypto.subtle.encrypt(): the key is an AES-CBC key, not an AES-GCM key",
		"an unknown algorithm":                                "NotSupportedError: crypto.subtle.generateKey(): the algorithm \"ROT13\" is not supported",
		"CryptoKey cannot be made by hand":                    "TypeError: crypto.subtle.sign(): the key must be a CryptoKey (from generateKey, importKey or deriveKey), not an object",
		"AES-GCM known answer":                                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47 true",
		"AES-GCM detects tampering":                           "OperationError: crypto.subtle.decrypt(): AES-GCM: the data could not be authenticated",
		"AES-GCM round trip with a 96-bit tag":                "17 hello 192",
		"AES-CBC known answer and padding":                    "7649abac8119b246cee98e9b12e9197d 32 6bc1bee22e409f96e93d7e117393172a",
		"AES-CBC wrong iv length":                             "OperationError: crypto.subtle.encrypt(): AES-CBC: the iv must have 16 bytes, not 12",
		"AES-CTR known answer":                                "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff 6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
		"AES-CTR counts only the low length bits":             "true",
		"AES jwk export and import":                           "oct A256CBC round trip",
		"a JWK's key_ops limit the usages":                    "DataError: crypto.subtle.importKey(): the JWK's key_ops (encrypt) do not include \"decrypt\"",
		"AES key of a bad size":                               "DataError: crypto.subtle.importKey(): AES-GCM: the key has 15 bytes; AES keys have 16, 24 or 32",
		"PBKDF2 known answer and deriveKey":                   "0c60c80f961f0e71f3a9b524af6012062fe037a6 AES-GCM 256 32",
		"HKDF known answer":                                   "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
		"ECDSA P-256 and P-384 sign, verify, export, import":  "P-256 64 65 EC P-256 true true false private public sign verify P-256 | P-384 96 97 EC P-384 true true false private public sign verify P-384",
		"ECDH both sides derive the same bits":                "true 32 true 0 2",
		"X25519 both sides derive the same bits":              "true true OKP X25519",
		"Ed25519 known answer":                                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b true true",
		"RSA-OAEP, RSASSA-PKCS1-v1_5 and RSA-PSS round trips": "secret true true true true false RSA RS256 1024 1,0,1 SHA-256",
		"wrapKey and unwrapKey with AES-GCM":                  "true",
		"the methods return promises even on bad input":       "true TypeError",
	}
	vu := newLoopVU(t, subtleCases)
	if err := vu.Iteration(context.Background(), "default"); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(vu.global(t, "results")), &got); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: no result", name)
		case strings.Contains(w, "Error: "):
			// Errors: the name and the start of the message.
			if !strings.HasPrefix(g, w) {
				t.Errorf("%s:\ngot  %q\nwant %q...", name, g, w)
			}
		case g != w:
			t.Errorf("%s:\ngot  %q\nwant %q", name, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d results for %d cases", len(got), len(want))
	}
}

// A rejected crypto.subtle promise nobody handles fails the iteration like a thrown
// exception, with the DOMException name in the message.
func TestSubtleRejectionFailsTheIteration(t *testing.T) {
	vu := newLoopVU(t, `export default async function () {
  const k = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  await crypto.subtle.sign('HMAC', k, new Uint8Array(1));
}`)
	err := vu.Iteration(context.Background(), "default")
	if err == nil || !strings.Contains(err.Error(), `InvalidAccessError: crypto.subtle.sign(): the key's usages (verify) do not include "sign"`) {
		t.Fatalf("error %v", err)
	}
	if failed, total := vu.failures(); failed != 1 || total != 1 {
		t.Fatalf("iteration_failed %d of %d", failed, total)
	}
}

// A promise from crypto.subtle settles after the code that called it, as promises do, and
// the iteration waits for it.
func TestSubtleResolvesAsAPromise(t *testing.T) {
	vu := newLoopVU(t, `globalThis.order = [];
export default function () {
  crypto.subtle.digest('SHA-256', new Uint8Array(0)).then((d) => order.push(d.byteLength));
  order.push('sync');
}`)
	if err := vu.Iteration(context.Background(), "default"); err != nil {
		t.Fatal(err)
	}
	if got := vu.global(t, "order"); got != `["sync",32]` {
		t.Fatalf("order = %s", got)
	}
}

// subtleCases runs every case in one iteration and keeps "result" or "name: message" in
// globalThis.results.
const subtleCases = `const S = crypto.subtle;
const enc = (s) => new TextEncoder().encode(s);
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
const b64u = (h) => btoaUrl(unhex(h));
function btoaUrl(u) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '', bits = 0, n = 0;
  for (const x of u) { n = (n << 8) | x; bits += 8; while (bits >= 6) { bits -= 6; out += abc[(n >> bits) & 63]; } }
  if (bits > 0) out += abc[(n << (6 - bits)) & 63];
  return out;
}
const cases = {
  // Known answers: FIPS 180 "abc" vectors.
  'digest SHA-1': async () => hex(await S.digest('SHA-1', enc('abc'))),
  'digest SHA-256': async () => hex(await S.digest({ name: 'sha-256' }, enc('abc'))),
  'digest SHA-384': async () => hex(await S.digest('SHA-384', enc('abc').buffer)),
  'digest SHA-512': async () => hex(await S.digest('SHA-512', new DataView(enc('abc').buffer))),
  'digest refuses a string': async () => S.digest('SHA-256', 'abc'),
  'digest refuses MD5': async () => S.digest('MD5', enc('abc')),
  // RFC 4231 test case 2.
  'HMAC known answer and verify': async () => {
    const k = await S.importKey('raw', enc('Jefe'), { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign', 'verify']);
    const sig = await S.sign('HMAC', k, enc('what do ya want for nothing?'));
    const ok = await S.verify('HMAC', k, sig, enc('what do ya want for nothing?'));
    const bad = await S.verify('HMAC', k, sig, enc('what do ya want for nothing!'));
    return [hex(sig), ok, bad, k.type, k.extractable, k.algorithm.name, k.algorithm.hash.name, k.algorithm.length, k.usages.join(','), String(k)].join(' ');
  },
  'HMAC generateKey and export raw and jwk': async () => {
    const k = await S.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign', 'verify']);
    const raw = await S.exportKey('raw', k);
    const jwk = await S.exportKey('jwk', k);
    const k2 = await S.importKey('jwk', jwk, { name: 'HMAC', hash: 'SHA-512' }, true, ['verify']);
    const sig = await S.sign('HMAC', k, enc('m'));
    return [raw.byteLength, jwk.kty, jwk.alg, jwk.ext, jwk.key_ops.join(','), await S.verify('HMAC', k2, sig, enc('m'))].join(' ');
  },
  'a verify-only key cannot sign': async () => {
    const k = await S.importKey('raw', enc('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    return S.sign('HMAC', k, enc('x'));
  },
  'a key that is not extractable cannot be exported': async () => {
    const k = await S.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
    return S.exportKey('raw', k);
  },
  'an HMAC key cannot encrypt': async () => S.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['encrypt']),
  'a key of another algorithm is refused': async () => {
    const k = await S.generateKey({ name: 'AES-CBC', length: 128 }, true, ['encrypt']);
    return S.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, k, enc('x'));
  },
  'an unknown algorithm': async () => S.generateKey({ name: 'ROT13' }, true, ['encrypt']),
  'CryptoKey cannot be made by hand': async () => S.sign('HMAC', { type: 'secret' }, enc('x')),
  // The GCM specification's test case 4 (with additional data).
  'AES-GCM known answer': async () => {
    const k = await S.importKey('raw', unhex('feffe9928665731c6d6a8f9467308308'), 'AES-GCM', true, ['encrypt', 'decrypt']);
    const p = unhex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    const alg = { name: 'AES-GCM', iv: unhex('cafebabefacedbaddecaf888'), additionalData: unhex('feedfacedeadbeeffeedfacedeadbeefabaddad2') };
    const c = await S.encrypt(alg, k, p);
    const back = await S.decrypt(alg, k, c);
    return hex(c) + ' ' + (hex(back) === hex(p));
  },
  'AES-GCM detects tampering': async () => {
    const k = await S.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const c = new Uint8Array(await S.encrypt({ name: 'AES-GCM', iv }, k, enc('secret')));
    c[0] ^= 1;
    return S.decrypt({ name: 'AES-GCM', iv }, k, c);
  },
  'AES-GCM round trip with a 96-bit tag': async () => {
    const k = await S.generateKey({ name: 'AES-GCM', length: 192 }, true, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const c = await S.encrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, enc('hello'));
    return c.byteLength + ' ' + new TextDecoder().decode(await S.decrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, c)) + ' ' + k.algorithm.length;
  },
  // NIST SP 800-38A F.2.1 (first block) and F.5.1 (two blocks).
  'AES-CBC known answer and padding': async () => {
    const k = await S.importKey('raw', unhex('2b7e151628aed2a6abf7158809cf4f3c'), { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
    const alg = { name: 'AES-CBC', iv: unhex('000102030405060708090a0b0c0d0e0f') };
    const c = await S.encrypt(alg, k, unhex('6bc1bee22e409f96e93d7e117393172a'));
    const back = await S.decrypt(alg, k, c);
    return hex(c).slice(0, 32) + ' ' + c.byteLength + ' ' + hex(back);
  },
  'AES-CBC wrong iv length': async () => {
    const k = await S.generateKey({ name: 'AES-CBC', length: 128 }, false, ['encrypt']);
    return S.encrypt({ name: 'AES-CBC', iv: new Uint8Array(12) }, k, enc('x'));
  },
  'AES-CTR known answer': async () => {
    const k = await S.importKey('raw', unhex('2b7e151628aed2a6abf7158809cf4f3c'), 'AES-CTR', false, ['encrypt', 'decrypt']);
    const alg = { name: 'AES-CTR', counter: unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), length: 64 };
    const c = await S.encrypt(alg, k, unhex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51'));
    return hex(c) + ' ' + hex(await S.decrypt(alg, k, c));
  },
  'AES-CTR counts only the low length bits': async () => {
    // With an 8-bit counter, ff wraps to 00 and the byte before stays fe.
    const k = await S.importKey('raw', unhex('2b7e151628aed2a6abf7158809cf4f3c'), 'AES-CTR', false, ['encrypt']);
    const two = await S.encrypt({ name: 'AES-CTR', counter: unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), length: 8 }, k, new Uint8Array(32));
    const second = await S.encrypt({ name: 'AES-CTR', counter: unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfe00'), length: 128 }, k, new Uint8Array(16));
    return String(hex(two).slice(32) === hex(second));
  },
  'AES jwk export and import': async () => {
    const k = await S.generateKey({ name: 'AES-CBC', length: 256 }, true, ['encrypt', 'decrypt']);
    const jwk = await S.exportKey('jwk', k);
    const k2 = await S.importKey('jwk', jwk, 'AES-CBC', true, ['decrypt']);
    const iv = new Uint8Array(16);
    const c = await S.encrypt({ name: 'AES-CBC', iv }, k, enc('round trip'));
    return jwk.kty + ' ' + jwk.alg + ' ' + new TextDecoder().decode(await S.decrypt({ name: 'AES-CBC', iv }, k2, c));
  },
  "a JWK's key_ops limit the usages": async () => {
    const jwk = await S.exportKey('jwk', await S.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']));
    return S.importKey('jwk', jwk, 'AES-GCM', true, ['encrypt', 'decrypt']);
  },
  'AES key of a bad size': async () => S.importKey('raw', new Uint8Array(15), 'AES-GCM', true, ['encrypt']),
  // RFC 6070 and RFC 5869 test case 1.
  'PBKDF2 known answer and deriveKey': async () => {
    const base = await S.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
    const bits = await S.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: enc('salt'), iterations: 1 }, base, 160);
    const aes = await S.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: enc('salt'), iterations: 1000 }, base, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    return hex(bits) + ' ' + aes.algorithm.name + ' ' + aes.algorithm.length + ' ' + (await S.exportKey('raw', aes)).byteLength;
  },
  'HKDF known answer': async () => {
    const base = await S.importKey('raw', unhex('0b'.repeat(22)), 'HKDF', false, ['deriveBits']);
    return hex(await S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: unhex('000102030405060708090a0b0c'), info: unhex('f0f1f2f3f4f5f6f7f8f9') }, base, 336));
  },
  'ECDSA P-256 and P-384 sign, verify, export, import': async () => {
    const out = [];
    for (const [curve, hash] of [['P-256', 'SHA-256'], ['P-384', 'SHA-384']]) {
      const pair = await S.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
      const sig = await S.sign({ name: 'ECDSA', hash }, pair.privateKey, enc('data'));
      const spki = await S.exportKey('spki', pair.publicKey);
      const pub2 = await S.importKey('spki', spki, { name: 'ECDSA', namedCurve: curve }, true, ['verify']);
      const raw = await S.exportKey('raw', pair.publicKey);
      const pub3 = await S.importKey('raw', raw, { name: 'ECDSA', namedCurve: curve }, true, ['verify']);
      const jwk = await S.exportKey('jwk', pair.privateKey);
      const priv2 = await S.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: curve }, true, ['sign']);
      const pkcs8 = await S.exportKey('pkcs8', priv2);
      const priv3 = await S.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
      const sig3 = await S.sign({ name: 'ECDSA', hash }, priv3, enc('data'));
      out.push([curve, sig.byteLength, raw.byteLength, jwk.kty, jwk.crv,
        await S.verify({ name: 'ECDSA', hash }, pub2, sig, enc('data')),
        await S.verify({ name: 'ECDSA', hash }, pub3, sig3, enc('data')),
        await S.verify({ name: 'ECDSA', hash }, pair.publicKey, sig, enc('other')),
        pair.privateKey.type, pair.publicKey.type, pair.privateKey.usages.join(','), pair.publicKey.usages.join(','),
        pair.publicKey.algorithm.namedCurve].join(' '));
    }
    return out.join(' | ');
  },
  'ECDH both sides derive the same bits': async () => {
    const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits', 'deriveKey']);
    const b = await S.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const bpub = await S.importKey('spki', await S.exportKey('spki', b.publicKey), { name: 'ECDH', namedCurve: 'P-256' }, true, []);
    const x = await S.deriveBits({ name: 'ECDH', public: bpub }, a.privateKey, 256);
    const y = await S.deriveBits({ name: 'ECDH', public: a.publicKey }, b.privateKey, 256);
    const k = await S.deriveKey({ name: 'ECDH', public: b.publicKey }, a.privateKey, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    return [hex(x) === hex(y), x.byteLength, hex(await S.exportKey('raw', k)) === hex(x), a.publicKey.usages.length,
      (await S.deriveBits({ name: 'ECDH', public: b.publicKey }, a.privateKey, 12)).byteLength].join(' ');
  },
  'X25519 both sides derive the same bits': async () => {
    const a = await S.generateKey({ name: 'X25519' }, true, ['deriveBits']);
    const b = await S.generateKey({ name: 'X25519' }, true, ['deriveBits']);
    const bpub = await S.importKey('raw', await S.exportKey('raw', b.publicKey), { name: 'X25519' }, true, []);
    const x = await S.deriveBits({ name: 'X25519', public: bpub }, a.privateKey, 256);
    const y = await S.deriveBits({ name: 'X25519', public: a.publicKey }, b.privateKey, 256);
    const jwk = await S.exportKey('jwk', a.privateKey);
    const a2 = await S.importKey('pkcs8', await S.exportKey('pkcs8', a.privateKey), 'X25519', true, ['deriveBits']);
    const z = await S.deriveBits({ name: 'X25519', public: b.publicKey }, a2, 256);
    return [hex(x) === hex(y), hex(x) === hex(z), jwk.kty, jwk.crv].join(' ');
  },
  // RFC 8032 section 7.1, test 1.
  'Ed25519 known answer': async () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64u('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'), x: b64u('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') };
    const priv = await S.importKey('jwk', jwk, 'Ed25519', true, ['sign']);
    const pub = await S.importKey('raw', unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'), { name: 'Ed25519' }, true, ['verify']);
    const sig = await S.sign('Ed25519', priv, new Uint8Array(0));
    const pair = await S.generateKey('Ed25519', true, ['sign', 'verify']);
    const spki = await S.exportKey('spki', pair.publicKey);
    const pub2 = await S.importKey('spki', spki, 'Ed25519', true, ['verify']);
    const sig2 = await S.sign('Ed25519', pair.privateKey, enc('m'));
    return [hex(sig), await S.verify('Ed25519', pub, sig, new Uint8Array(0)), await S.verify('Ed25519', pub2, sig2, enc('m'))].join(' ');
  },
  'RSA-OAEP, RSASSA-PKCS1-v1_5 and RSA-PSS round trips': async () => {
    const e = new Uint8Array([1, 0, 1]);
    const oaep = await S.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: e, hash: 'SHA-256' }, true, ['encrypt', 'decrypt']);
    const c = await S.encrypt({ name: 'RSA-OAEP', label: enc('l') }, oaep.publicKey, enc('secret'));
    const p = new TextDecoder().decode(await S.decrypt({ name: 'RSA-OAEP', label: enc('l') }, oaep.privateKey, c));
    const pkcs = await S.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: e, hash: { name: 'SHA-256' } }, true, ['sign', 'verify']);
    const pub = await S.importKey('spki', await S.exportKey('spki', pkcs.publicKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    const sig = await S.sign('RSASSA-PKCS1-v1_5', pkcs.privateKey, enc('m'));
    const jwk = await S.exportKey('jwk', pkcs.privateKey);
    const priv2 = await S.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const priv3 = await S.importKey('pkcs8', await S.exportKey('pkcs8', pkcs.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const pss = await S.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: e, hash: 'SHA-256' }, true, ['sign', 'verify']);
    const psig = await S.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, enc('m'));
    return [p, await S.verify('RSASSA-PKCS1-v1_5', pub, sig, enc('m')),
      hex(await S.sign('RSASSA-PKCS1-v1_5', priv2, enc('m'))) === hex(sig),
      hex(await S.sign('RSASSA-PKCS1-v1_5', priv3, enc('m'))) === hex(sig),
      await S.verify({ name: 'RSA-PSS', saltLength: 32 }, pss.publicKey, psig, enc('m')),
      await S.verify({ name: 'RSA-PSS', saltLength: 32 }, pss.publicKey, psig, enc('n')),
      jwk.kty, jwk.alg, pkcs.publicKey.algorithm.modulusLength, Array.from(pkcs.publicKey.algorithm.publicExponent).join(','),
      pkcs.publicKey.algorithm.hash.name].join(' ');
  },
  'wrapKey and unwrapKey with AES-GCM': async () => {
    const kek = await S.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
    const k = await S.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const iv = new Uint8Array(12);
    const w = await S.wrapKey('jwk', k, kek, { name: 'AES-GCM', iv });
    const k2 = await S.unwrapKey('jwk', w, kek, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, true, ['verify']);
    return String(await S.verify('HMAC', k2, await S.sign('HMAC', k, enc('m')), enc('m')));
  },
  'the methods return promises even on bad input': async () => {
    const p = S.digest();
    const r = await p.then(() => 'resolved', (e) => e.name);
    return (p instanceof Promise) + ' ' + r;
  },
};
globalThis.results = {};
export default async function () {
  for (const [name, fn] of Object.entries(cases)) {
    try { results[name] = String(await fn()); }
    catch (e) { results[name] = e.name + ': ' + e.message; }
  }
}
`
