// note: the iteration exec.test.abort() ends still counts in iterations (k6): 2 whole + the aborted one; exit 108.
// expect-exit: 108
// expect-iterations: 3
import exec from 'k6/execution';
export const options = { iterations: 5 };
export default function () { if (__ITER === 2) exec.test.abort('enough'); }
