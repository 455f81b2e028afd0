// note: a threshold on a tag set through exec.vu.tags judges those samples.
// expect-exit: 99
// expect-stdout: checks{phase:bad}
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { iterations: 2, thresholds: { 'checks{phase:bad}': ['rate==1'] } };
export default function () {
  exec.vu.tags.phase = 'bad';
  check(1, { 'fails': () => false });
}

