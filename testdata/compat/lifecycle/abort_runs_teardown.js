// note: exec.test.abort() in an iteration: exit 108, teardown and the summary still run.
// expect-exit: 108
// expect-stderr: teardown ran
import exec from 'k6/execution';
export const options = { iterations: 5 };
export default function () { exec.test.abort('stop here'); }
export function teardown() { console.log('teardown ran'); }

