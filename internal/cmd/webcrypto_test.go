package cmd

import (
	"strings"
	"testing"
	"time"
)

// Issue 10, section 2: scripts written like k6's examples/webcrypto run unchanged: the older
// `import { crypto } from "k6/experimental/webcrypto"` and the global both work, keys print
// as k6 prints them, and a rejected operation is an uncaught, counted exception.
func TestWebCryptoScriptsRunAsInK6(t *testing.T) {
	src := `import { crypto as wc } from "k6/experimental/webcrypto";
import { check } from "k6";
export const options = { iterations: 1 };
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, "0")).join("");
// UTF-16 bytes, as the examples make them.
const utf16 = (s) => { const b = new ArrayBuffer(s.length * 2); const v = new Uint16Array(b); for (let i = 0; i < s.length; i++) v[i] = s.charCodeAt(i); return b; };
export default async function () {
  const alice = await wc.subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveKey", "deriveBits"]);
  const bob = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveKey", "deriveBits"]);
  const s1 = await crypto.subtle.deriveBits({ name: "ECDH", public: bob.publicKey }, alice.privateKey, 384);
  const s2 = await crypto.subtle.deriveBits({ name: "ECDH", public: alice.publicKey }, bob.privateKey, 384);
  const pass = await crypto.subtle.importKey("raw", utf16("a password"), "pbkdf2", false, ["deriveKey"]);
  const aes = await crypto.subtle.deriveKey({ name: "PBKDF2", salt: crypto.getRandomValues(new Uint8Array(16)).buffer, iterations: 1000, hash: "SHA-256" },
    pass, { name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes, utf16("Hello, World!"));
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, aes, ct);
  const rsa = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: { name: "SHA-256" } }, true, ["sign", "verify"]);
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } };
  const sig = await crypto.subtle.sign(alg, rsa.privateKey, utf16("Hello World"));
  console.log("aes key: " + JSON.stringify(aes).replace(/"/g, "'"));
  check(null, {
    "ECDH secrets agree": () => hex(s1) === hex(s2) && s1.byteLength === 48,
    "AES-GCM round trip": () => hex(pt) === hex(utf16("Hello, World!")),
  });
  check(await crypto.subtle.verify(alg, rsa.publicKey, sig, utf16("Hello World")), { "RSA verify": (v) => v === true });
  await crypto.subtle.exportKey("raw", alice.privateKey);
}`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoGoInternals(t, r)
	for _, want := range []string{
		`aes key: {'type':'secret','extractable':true,'algorithm':{'name':'AES-GCM','length':256},'usages':['encrypt','decrypt']}`,
		"Uncaught (in promise) InvalidAccessError: crypto.subtle.exportKey(): an ECDH private key does not export as raw",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the log should have %q:\n%s", want, r.stderr)
		}
	}
	for _, want := range []string{"100.00% 1 out of 1", "checks", "3 out of 3"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the summary should have %q:\n%s", want, r.stdout)
		}
	}
}
