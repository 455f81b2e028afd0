// note: count on a Counter: 2 is not > 100, exit 99.
// expect-exit: 99
import { Counter } from 'k6/metrics';
const c = new Counter('few');
export const options = { iterations: 2, thresholds: { few: ['count>100'] } };
export default function () { c.add(1); }

