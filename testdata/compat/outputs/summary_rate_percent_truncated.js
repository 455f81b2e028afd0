// note: the summary prints a rate as a percentage cut (not rounded) to two decimals: 2 of 3 is 66.66% (k6 summary's humanizeValue truncates).
// expect-exit: 0
// expect-checks: 2/3
// expect-stdout: checks_succeeded....................: 66.66% 2 out of 3
// expect-stdout: my_rate.............................: 66.66% 2 out of 3
import { check } from 'k6';
import { Rate } from 'k6/metrics';
const r = new Rate('my_rate');
export const options = { iterations: 1 };
export default function () {
  r.add(true); r.add(true); r.add(false);
  check(1, { a: () => true, b: () => true, c: () => false });
}
