// note: in --summary-export a rate metric keeps passes and fails and its rate is named "value"; a threshold maps to whether it failed (k6 docs, --summary-export; k6 js/summary-wrapper.js).
// args: --summary-export {tmp}/export.json
// expect-exit: 0
// expect-checks: 1/2
// expect-file: export.json "value": 0.5
// expect-file: export.json "passes": 1
// expect-file: export.json "rate>0.1": false
// expect-file: export.json "setup_data": {
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { checks: ['rate>0.1'] } };
export function setup() { return { token: 'abc' }; }
export default function () {
  check(1, { yes: (x) => x === 1, no: (x) => x === 2 });
}
