// note: add('5') counts 5, as in k6.
// expect-exit: 0
// expect-metric: str_counter sum == 5
import { Counter } from 'k6/metrics';
const c = new Counter('str_counter');
export default function () { c.add('5'); }

