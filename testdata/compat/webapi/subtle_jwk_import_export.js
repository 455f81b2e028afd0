// note: AES and HMAC keys export as jwk and import back (examples/webcrypto/import_export/import-export-jwk-aes-key.js, import-export-jwk-hmac-key.js).
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
export default async function () {
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
  const jwk = await crypto.subtle.exportKey('jwk', aes);
  const back = await crypto.subtle.importKey('jwk', jwk, { name: 'AES-GCM' }, true, ['decrypt']);
  const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: { name: 'SHA-512' } }, true, ['sign', 'verify']);
  const hjwk = await crypto.subtle.exportKey('jwk', hmac);
  const iv = new Uint8Array(12);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, new TextEncoder().encode('jwk'));
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, back, ct);
  check(null, {
    'AES jwk': () => jwk.kty === 'oct' && jwk.alg === 'A128GCM' && jwk.ext === true && typeof jwk.k === 'string',
    'HMAC jwk': () => hjwk.kty === 'oct' && hjwk.alg === 'HS512',
    'imported key decrypts': () => new TextDecoder().decode(pt) === 'jwk',
  });
}
