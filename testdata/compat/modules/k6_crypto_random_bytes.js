// note: randomBytes returns an ArrayBuffer of that size.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import { randomBytes } from 'k6/crypto';
export default function () {
  check(randomBytes(16), { '16 bytes': (b) => b instanceof ArrayBuffer && b.byteLength === 16 });
}

