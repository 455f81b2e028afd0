// note: a scenario's env adds to __ENV for its iterations only.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export const options = {
  scenarios: {
    a: { executor: 'per-vu-iterations', vus: 1, iterations: 1, env: { WHO: 'a' }, exec: 'a' },
    b: { executor: 'per-vu-iterations', vus: 1, iterations: 1, env: { WHO: 'b' }, exec: 'b' },
  },
};
export function a() { check(__ENV.WHO, { 'a sees a': (v) => v === 'a' }); }
export function b() { check(__ENV.WHO, { 'b sees b': (v) => v === 'b' }); }

