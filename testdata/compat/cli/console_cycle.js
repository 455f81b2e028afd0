// note: a cyclic structure prints [Circular] where it refers back, and the log call does not throw.
// args: --log-format raw
// expect-exit: 0
// expect-stderr: { x: { back: [Circular] }, self: [Circular] }
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  const o = { x: {} };
  o.x.back = o;
  o.self = o;
  console.log(o);
  check(null, { 'logging a cycle goes on': () => true });
}
