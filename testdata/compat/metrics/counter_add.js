// note: a custom Counter sums what is added.
// expect-exit: 0
// expect-metric: my_counter sum == 6
// expect-metric: my_counter count == 2
import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { iterations: 2 };
export default function () { c.add(3); }

