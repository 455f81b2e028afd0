// note: exec.test.fail() marks the run failed and lets it finish: all 3 iterations run, then exit 110.
// expect-exit: 110
// expect-iterations: 3
// expect-stderr: test marked as failed: too slow
import exec from 'k6/execution';
export const options = { iterations: 3 };
export default function () {
  if (exec.scenario.iterationInTest === 0) exec.test.fail('too slow');
}
