// note: per-vu-iterations runs `iterations` on each VU: 3 VUs x 2.
// expect-exit: 0
// expect-iterations: 6
// expect-checks: 6/6
import { check } from 'k6';
import exec from 'k6/execution';
export const options = {
  scenarios: { each: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } },
};
export default function () {
  check(exec.vu.iterationInScenario, { 'iteration index < 2': (i) => i < 2 });
}

