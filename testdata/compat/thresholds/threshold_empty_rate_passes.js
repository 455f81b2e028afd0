// note: k6's empty_sink_no_nan.js: a Rate with no samples passes rate>x.
// expect-exit: 0
// expect-iterations: 1
import { Rate } from 'k6/metrics';
const r = new Rate('never_added');
export const options = { iterations: 1, thresholds: { never_added: ['rate>0.9'] } };
export default function () {}
