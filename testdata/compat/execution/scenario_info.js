// note: exec.scenario has name, executor, iterationInTest, startTime and progress.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { scenarios: { mine: { executor: 'shared-iterations', vus: 1, iterations: 3 } } };
export default function () {
  const s = exec.scenario;
  check(s, { 'fields': (x) => x.name === 'mine' && x.executor === 'shared-iterations' &&
    typeof x.startTime === 'number' && x.progress >= 0 && x.progress <= 1 && x.iterationInTest >= 0 && x.iterationInTest < 3 });
}

