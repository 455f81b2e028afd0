// note: HMAC importKey('raw') + sign + verify (k6 docs: webcrypto/subtlecrypto/sign, examples/webcrypto/sign_verify/sign-verify-hmac.js); RFC 4231 test case 2.
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
export default async function () {
  const te = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', te.encode('Jefe'), { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign', 'verify']);
  const data = te.encode('what do ya want for nothing?');
  const sig = await crypto.subtle.sign('HMAC', key, data);
  check(key, {
    'known answer': () => hex(sig) === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'key shape': (k) => k.type === 'secret' && k.extractable === false && k.algorithm.name === 'HMAC' && k.algorithm.hash.name === 'SHA-256',
  });
  check(await crypto.subtle.verify('HMAC', key, sig, data), { 'verifies': (v) => v === true });
  check(await crypto.subtle.verify('HMAC', key, sig, te.encode('tampered')), { 'tampered fails': (v) => v === false });
}
