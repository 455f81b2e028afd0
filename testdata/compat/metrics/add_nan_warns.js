// note: add(NaN) or add(undefined) is a warning, not an exception: the iteration goes on (issue #10, section 4).
// expect-exit: 0
// expect-checks: 1/1
// expect-metric: iteration_failed rate == 0
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('nan_counter');
export default function () {
  c.add(NaN);
  c.add(undefined);
  check(1, { 'iteration went on': () => true });
}

