// note: vus + duration is constant-vus.
// expect-exit: 0
// expect-iterations: 2..5
// expect-stderr: executor=constant-vus
import { sleep } from 'k6';
import exec from 'k6/execution';
export const options = { vus: 1, duration: '1s' };
export default function () {
  if (exec.scenario.iterationInTest === 0) console.log(`executor=${exec.scenario.executor}`);
  sleep(0.3);
}

