// note: handleSummary's data lists a metric that has thresholds but got no samples, with zero values (k6 docs, results-output/end-of-test/custom-summary, data.metrics[name].values).
// expect-exit: 0
// expect-stdout: never_used type=counter count=0 rate=0 threshold=true
import { Counter } from 'k6/metrics';
const neverUsed = new Counter('never_used');
export const options = { iterations: 1, thresholds: { never_used: ['count<1'] } };
export default function () {}
export function handleSummary(data) {
  const m = data.metrics.never_used;
  return { stdout: `never_used type=${m.type} count=${m.values.count} rate=${m.values.rate} threshold=${m.thresholds['count<1'].ok}\n` };
}
