// note: a custom Trend keeps every value; isTime makes it a time.
// expect-exit: 0
// expect-metric: my_trend min == 10
// expect-metric: my_trend max == 30
// expect-stdout: my_trend
import { Trend } from 'k6/metrics';
const t = new Trend('my_trend', true);
export const options = { iterations: 3 };
let v = 0;
export default function () { v += 10; t.add(v); }

