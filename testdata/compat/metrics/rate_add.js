// note: a Rate counts the share of non-zero values.
// expect-exit: 0
// expect-metric: my_rate rate == 0.5
// expect-stdout: my_rate
import { Rate } from 'k6/metrics';
const r = new Rate('my_rate');
export default function () { r.add(true); r.add(false); r.add(1); r.add(0); }

