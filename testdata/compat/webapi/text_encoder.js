// note: TextEncoder encodes UTF-8.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export default function () {
  const b = new TextEncoder().encode('é€');
  check(b, { 'is Uint8Array': (x) => x instanceof Uint8Array, 'utf-8 bytes': (x) => x.join() === '195,169,226,130,172' });
}

