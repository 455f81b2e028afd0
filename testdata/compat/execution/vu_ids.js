// note: exec.vu.idInTest and exec.vu.idInInstance number the VUs from 1.
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };
export default function () {
  check(exec.vu, { 'id in 1..2': (v) => v.idInTest >= 1 && v.idInTest <= 2 && v.idInInstance === v.idInTest });
}

