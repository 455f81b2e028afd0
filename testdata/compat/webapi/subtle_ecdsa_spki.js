// note: ECDSA P-256 generateKey, sign, export the public key as spki, import it and verify (examples/webcrypto/sign_verify/sign-verify-ecdsa.js, verify-spki-ecdsa-valid.js).
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
export default async function () {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const data = new TextEncoder().encode('Hello World');
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: { name: 'SHA-256' } }, pair.privateKey, data);
  const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
  const pub = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: { name: 'SHA-256' } }, pub, sig, data);
  const other = await crypto.subtle.verify({ name: 'ECDSA', hash: { name: 'SHA-256' } }, pub, sig, new TextEncoder().encode('Hello world'));
  check(null, {
    'signature is r||s, 64 bytes': () => sig.byteLength === 64,
    'pair types': () => pair.privateKey.type === 'private' && pair.publicKey.type === 'public' && pair.publicKey.algorithm.namedCurve === 'P-256',
    'verifies after spki round trip': () => ok === true,
    'other data fails': () => other === false,
  });
}
