// note: exec.test.abort() ends the run with exit 108 and the message; the aborted iteration still counts.
// expect-exit: 108
// expect-iterations: 1
// expect-stderr: enough
import exec from 'k6/execution';
export const options = { vus: 1, iterations: 10 };
export default function () { exec.test.abort('enough'); }

