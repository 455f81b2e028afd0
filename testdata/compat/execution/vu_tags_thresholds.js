// note: exec.vu.tags set in an iteration land on later samples (custom metrics, checks, iterations) and their submetric thresholds.
// expect-exit: 0
// expect-iterations: 3
// expect-checks: 3/3
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('tagged');
export const options = { iterations: 3, thresholds: {
  'tagged{step:checkout}': ['count==3'],
  'checks{step:checkout}': ['rate==1'],
  'iterations{step:checkout}': ['count==3'],
} };
export default function () {
  exec.vu.tags.step = 'checkout';
  c.add(1);
  check(exec.vu.tags, { 'tag reads back': (t) => t.step === 'checkout' && t.scenario === 'default' });
}
