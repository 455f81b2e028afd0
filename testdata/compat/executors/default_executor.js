// note: with no options at all k6 runs 1 iteration of 1 VU under per-vu-iterations, scenario "default".
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: executor=per-vu-iterations scenario=default
import exec from 'k6/execution';
export default function () {
  console.log(`executor=${exec.scenario.executor} scenario=${exec.scenario.name}`);
}

