// note: vus + iterations is shared-iterations.
// expect-exit: 0
// expect-iterations: 5
// expect-stderr: executor=shared-iterations
import exec from 'k6/execution';
export const options = { vus: 2, iterations: 5 };
export default function () {
  if (exec.scenario.iterationInTest === 0) console.log(`executor=${exec.scenario.executor}`);
}

