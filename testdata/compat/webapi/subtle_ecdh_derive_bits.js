// note: ECDH deriveBits gives both parties the same secret (examples/webcrypto/derive_bits/derive-bits-ecdh.js).
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
export default async function () {
  const alice = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveKey', 'deriveBits']);
  const bob = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveKey', 'deriveBits']);
  const a = await crypto.subtle.deriveBits({ name: 'ECDH', public: bob.publicKey }, alice.privateKey, 256);
  const b = await crypto.subtle.deriveBits({ name: 'ECDH', public: alice.publicKey }, bob.privateKey, 256);
  check(null, {
    'same secret': () => hex(a) === hex(b),
    '256 bits': () => a.byteLength === 32,
  });
}
