// note: a threshold on metric{tag:value} judges only those samples.
// expect-exit: 99
// expect-stdout: my_counter{kind:b}
import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { thresholds: { 'my_counter{kind:a}': ['count==1'], 'my_counter{kind:b}': ['count>5'] } };
export default function () { c.add(1, { kind: 'a' }); c.add(1, { kind: 'b' }); }

