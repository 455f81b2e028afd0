// note: AES-CBC (PKCS#7 padding) and AES-CTR round trips (examples/webcrypto/encrypt_decrypt/encrypt-decrypt-aes-cbc.js and -aes-ctr.js); NIST SP 800-38A F.2.1 first block.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
const unhex = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
export default async function () {
  const raw = unhex('2b7e151628aed2a6abf7158809cf4f3c');
  const cbc = await crypto.subtle.importKey('raw', raw, 'AES-CBC', false, ['encrypt', 'decrypt']);
  const iv = unhex('000102030405060708090a0b0c0d0e0f');
  const c1 = await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, cbc, unhex('6bc1bee22e409f96e93d7e117393172a'));
  const ctrKey = await crypto.subtle.generateKey({ name: 'AES-CTR', length: 128 }, false, ['encrypt', 'decrypt']);
  const counter = crypto.getRandomValues(new Uint8Array(16));
  const msg = new TextEncoder().encode('counter mode, any length');
  const c2 = await crypto.subtle.encrypt({ name: 'AES-CTR', counter, length: 64 }, ctrKey, msg);
  const p2 = await crypto.subtle.decrypt({ name: 'AES-CTR', counter, length: 64 }, ctrKey, c2);
  check(null, {
    'CBC known answer plus a padding block': () => hex(c1).slice(0, 32) === '7649abac8119b246cee98e9b12e9197d' && c1.byteLength === 32,
    'CTR keeps the length': () => c2.byteLength === msg.length,
    'CTR round trip': () => new TextDecoder().decode(p2) === 'counter mode, any length',
  });
}
