// note: a tag value that is not a string, number or boolean is refused with k6's message and the iteration goes on.
// expect-exit: 0
// expect-checks: 1/1
// expect-stderr: invalid value for metric tag 'bad'
import exec from 'k6/execution';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  exec.vu.tags.bad = { nested: true };
  exec.vu.tags.n = 5;
  check(exec.vu.tags, { 'only valid tags set': (t) => t.bad === undefined && t.n === '5' });
}
