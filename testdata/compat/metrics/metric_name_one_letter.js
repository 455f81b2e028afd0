// note: a one-letter metric name is refused by k6 at init (exit 107).
// expect-exit: 107
// expect-stderr: Invalid metric name: 'x'
import { Trend } from 'k6/metrics';
new Trend('x');
export default function () {}
