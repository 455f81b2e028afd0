// note: crypto.getRandomValues fills and returns its typed array.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  const a = new Uint32Array(8);
  const r = crypto.getRandomValues(a);
  check(r, { 'same array, filled': (x) => x === a && x.some((v) => v !== 0) });
}

