package cmd

import (
	"strings"
	"testing"
	"time"
)

// Issue 10, sections 2 and 3: a script written from k6's documentation of k6/crypto,
// k6/encoding and the web globals runs, and every one of its checks passes.
func TestK6CryptoEncodingAndWebGlobalsScript(t *testing.T) {
	src := `import { check } from 'k6';
import crypto from 'k6/crypto';
import { sha256, hmac, createHash } from 'k6/crypto';
import encoding from 'k6/encoding';
import { b64decode } from 'k6/encoding';

export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };

// The globals work in init code too.
const token = encoding.b64encode(new TextEncoder().encode('user:pass').buffer);

export default function () {
  const h = createHash('sha1');
  h.update('a');
  h.update('bc');
  const bytes = new Uint8Array(16);
  check(null, {
    'sha256 hex': () => sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'md5 base64': () => crypto.md5('abc', 'base64') === 'kAFQmDzST7DWlj99KOF/cg==',
    'sha512 of an ArrayBuffer': () => crypto.sha512(new Uint8Array([97, 98, 99]).buffer, 'hex').startsWith('ddaf35a1'),
    'hmac sha256': () => hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex') === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'createHash digest': () => h.digest('hex') === 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'randomBytes': () => crypto.randomBytes(8).byteLength === 8,
    'b64encode rawurl': () => encoding.b64encode('foob', 'rawurl') === 'Zm9vYg',
    'b64decode to string': () => b64decode('aGVsbG8gd29ybGQ=', 'std', 's') === 'hello world',
    'b64decode to ArrayBuffer': () => new Uint8Array(b64decode('Zm9v')).join() === '102,111,111',
    'basic auth token': () => token === 'dXNlcjpwYXNz',
    'TextDecoder': () => new TextDecoder().decode(new TextEncoder().encode('Grüße')) === 'Grüße',
    // The import named crypto hides the global one here, as it would in k6.
    'getRandomValues': () => globalThis.crypto.getRandomValues(bytes) === bytes && bytes.some((b) => b !== 0),
    'randomUUID': () => /^[0-9a-f-]{36}$/.test(globalThis.crypto.randomUUID()),
  });
}`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	assertNoGoInternals(t, r)
	if !strings.Contains(r.stdout, "checks_failed") || !strings.Contains(r.stdout, "0.00% 0 out of 26") {
		t.Fatalf("want 26 passing checks (13 x 2):\n%s\n%s", r.stdout, r.stderr)
	}
}

// A mistake in a k6/crypto call ends the iteration with a message that says what to fix.
func TestK6CryptoBadAlgorithmMessage(t *testing.T) {
	src := `import crypto from 'k6/crypto';
export const options = { iterations: 1 };
export default function () { crypto.hmac('sha-256', 'k', 'd', 'hex'); }`
	r, _ := runBounded(t, src, nil, nil, time.Minute, false)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	assertNoGoInternals(t, r)
	if !strings.Contains(r.stderr, `hmac(): unknown hash algorithm \"sha-256\"`) && !strings.Contains(r.stderr, `hmac(): unknown hash algorithm "sha-256"`) {
		t.Fatalf("the log should name the bad algorithm:\n%s", r.stderr)
	}
}
