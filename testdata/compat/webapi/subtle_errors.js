// note: failures reject with WebCrypto's error names: usages are enforced (InvalidAccessError), unknown algorithms are NotSupportedError, impossible usages a SyntaxError, a string where bytes go a TypeError (k6 docs: webcrypto, SubtleCrypto errors).
// expect-exit: 0
// expect-checks: 5/5
import { check } from 'k6';
const nameOf = (p) => p.then(() => 'resolved', (e) => e.name);
export default async function () {
  const verifyOnly = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const r = {
    sign: await nameOf(crypto.subtle.sign('HMAC', verifyOnly, new Uint8Array(1))),
    export: await nameOf(crypto.subtle.exportKey('raw', verifyOnly)),
    md5: await nameOf(crypto.subtle.digest('MD5', new Uint8Array(1))),
    usage: await nameOf(crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['sign'])),
    string: await nameOf(crypto.subtle.digest('SHA-256', 'a string')),
  };
  check(r, {
    'sign without the usage': (r) => r.sign === 'InvalidAccessError',
    'export of a non-extractable key': (r) => r.export === 'InvalidAccessError',
    'unknown digest': (r) => r.md5 === 'NotSupportedError',
    'AES cannot sign': (r) => r.usage === 'SyntaxError',
    'data must be bytes': (r) => r.string === 'TypeError',
  });
}
