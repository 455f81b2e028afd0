// note: add() of NaN, undefined or a non-number logs k6's warning and goes on; add('5') counts 5.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: 'NaN' is an invalid value for metric 'my_counter', a number or a boolean value is expected
// expect-stderr: 'undefined' is an invalid value for metric 'my_counter'
// expect-stderr: 'abc' is an invalid value for metric 'my_counter'
import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { iterations: 1, thresholds: { my_counter: ['count==5'], iteration_failed: ['rate==0'] } };
export default function () { c.add(NaN); c.add(undefined); c.add('abc'); c.add('5'); }
