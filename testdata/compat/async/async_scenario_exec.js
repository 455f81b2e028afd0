// note: a scenario's exec function may be async too.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'work' } } };
export async function work() {
  const v = await Promise.resolve(5);
  check(v, { 'five': (x) => x === 5 });
}

