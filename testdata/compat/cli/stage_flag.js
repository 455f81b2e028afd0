// note: -s DURATION:TARGET makes a ramping-vus run and replaces the script's scenarios, with a warning.
// args: -s 0.3s:2 -s 0.3s:0
// expect-exit: 0
// expect-stderr: executor=ramping-vus
import { sleep } from 'k6';
import exec from 'k6/execution';
export default function () {
  if (exec.scenario.iterationInTest === 0) console.log(`executor=${exec.scenario.executor}`);
  sleep(0.05);
}

