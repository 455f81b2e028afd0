// note: value on a Gauge is its last value.
// expect-exit: 99
import { Gauge } from 'k6/metrics';
const g = new Gauge('level');
export const options = { thresholds: { level: ['value<5'] } };
export default function () { g.add(1); g.add(7); }

