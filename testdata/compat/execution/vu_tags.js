// note: exec.vu.tags written in an iteration land on later samples of that VU (issue #10, section 4).
// expect-exit: 0
// expect-metric: iterations{phase:warm} sum == 2
// expect-metric: checks{phase:warm} count == 2
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { vus: 1, iterations: 2 };
export default function () {
  exec.vu.tags.phase = 'warm';
  check(exec.vu.tags.phase, { 'readable': (p) => p === 'warm' });
}

