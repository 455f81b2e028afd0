// note: two scenarios, each with its own exec function; the second starts 0.3s later.
// expect-exit: 0
// expect-iterations: 5
// expect-metric: iterations{scenario:first} sum == 2
// expect-metric: iterations{scenario:second} sum == 3
// expect-checks: 3/3
import { check } from 'k6';
import exec from 'k6/execution';
export const options = {
  scenarios: {
    first: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'one' },
    second: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'two', startTime: '0.3s' },
  },
};
export function one() {}
export function two() {
  check(exec.scenario.startTime, { 'started late': (t) => Date.now() - t >= 0 });
}

