// note: add(value, tags) tags that sample.
// expect-exit: 0
// expect-metric: tagged_counter{kind:a} sum == 1
// expect-metric: tagged_counter{kind:b} sum == 2
import { Counter } from 'k6/metrics';
const c = new Counter('tagged_counter');
export default function () { c.add(1, { kind: 'a' }); c.add(2, { kind: 'b' }); }

