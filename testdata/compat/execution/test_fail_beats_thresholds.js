// note: as in k6, a run marked failed exits 110 even when a threshold failed too (99).
// expect-exit: 110
// expect-iterations: 1
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { iterations: 1, thresholds: { my_counter: ['count>10'] } };
export default function () { c.add(1); exec.test.fail(); }
