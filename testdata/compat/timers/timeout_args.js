// note: extra setTimeout arguments are passed to the callback.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default async function () {
  const got = await new Promise((r) => setTimeout((a, b) => r(a + b), 5, 'x', 'y'));
  check(got, { 'args passed': (g) => g === 'xy' });
}

