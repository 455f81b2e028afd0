// note: k6/crypto hashes with hex and base64 output.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
import crypto from 'k6/crypto';
export default function () {
  check(null, {
    'sha256 hex': () => crypto.sha256('hello', 'hex') === '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    'sha1 hex': () => crypto.sha1('hello', 'hex') === 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
    'md5 base64': () => crypto.md5('hello', 'base64') === 'XUFAKrxLKna5cZ2REBfFkg==',
  });
}

