// note: exec.instance reports VUs initialized and active, iterations completed.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { vus: 2, iterations: 2 };
export default function () {
  if (exec.scenario.iterationInTest !== 0) return;
  check(exec.instance, { 'fields': (i) => i.vusInitialized === 2 && i.vusActive >= 1 && typeof i.iterationsCompleted === 'number' && typeof i.currentTestRunDuration === 'number' });
}

