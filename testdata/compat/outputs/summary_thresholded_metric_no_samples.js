// note: a metric with a threshold is shown in the summary even when nothing was recorded, at zero (k6 docs, results-output/end-of-test).
// expect-exit: 0
// expect-stdout: never_used..........................: 0
import { Counter } from 'k6/metrics';
const c = new Counter('never_used');
export const options = { iterations: 1, thresholds: { never_used: ['count<1'] } };
export default function () {}
