// note: check() counts each condition; a false one fails without ending the iteration.
// expect-exit: 0
// expect-iterations: 2
// expect-checks: 4/6
// expect-stdout: checks_succeeded
import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  const r = check(3, { 'is 3': (x) => x === 3, 'is odd': (x) => x % 2 === 1, 'is 4': (x) => x === 4 });
  if (r !== false) throw new Error('check returns false when a condition fails');
}

