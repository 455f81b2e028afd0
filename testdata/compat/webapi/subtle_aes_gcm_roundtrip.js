// note: AES-GCM generateKey + encrypt + decrypt; a changed ciphertext rejects with an OperationError (k6 docs: webcrypto/subtlecrypto/encrypt, examples/webcrypto/encrypt_decrypt/encrypt-decrypt-aes-gcm.js).
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
export default async function () {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode('Hello, World!'));
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, ct);
  const bad = new Uint8Array(ct);
  bad[0] ^= 1;
  const err = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, bad).then(() => null, (e) => e);
  check(null, {
    'round trip': () => new TextDecoder().decode(pt) === 'Hello, World!',
    'ciphertext carries a 16-byte tag': () => ct.byteLength === 13 + 16,
    'tampering is an OperationError': () => err !== null && err.name === 'OperationError',
  });
}
