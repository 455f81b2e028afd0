// note: k6/crypto hmac and createHMAC agree.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import crypto from 'k6/crypto';
const want = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';
export default function () {
  const msg = 'The quick brown fox jumps over the lazy dog';
  const h = crypto.createHMAC('sha256', 'key');
  h.update('The quick brown fox ');
  h.update('jumps over the lazy dog');
  check(null, { 'hmac': () => crypto.hmac('sha256', 'key', msg, 'hex') === want, 'createHMAC': () => h.digest('hex') === want });
}

