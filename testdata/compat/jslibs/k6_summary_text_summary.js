// note: the documented handleSummary with textSummary from the k6-summary jslib.
// expect-exit: 0
// expect-stdout: iterations
// expect-file: summary.json "metrics"
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
export default function () {}
export function handleSummary(data) {
  return {
    stdout: textSummary(data, { indent: ' ', enableColors: false }),
    'summary.json': JSON.stringify(data),
  };
}

