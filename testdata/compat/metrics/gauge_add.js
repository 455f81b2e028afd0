// note: a Gauge keeps the last value (and its min and max).
// expect-exit: 0
// expect-metric: my_gauge max == 9
// expect-stdout: my_gauge
import { Gauge } from 'k6/metrics';
const g = new Gauge('my_gauge');
export default function () { g.add(3); g.add(9); g.add(4); }

