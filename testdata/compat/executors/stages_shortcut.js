// note: stages is ramping-vus.
// expect-exit: 0
// expect-stderr: executor=ramping-vus
import { sleep } from 'k6';
import exec from 'k6/execution';
export const options = { stages: [{ duration: '0.5s', target: 2 }, { duration: '0.3s', target: 0 }] };
export default function () {
  if (exec.scenario.iterationInTest === 0) console.log(`executor=${exec.scenario.executor}`);
  sleep(0.1);
}

