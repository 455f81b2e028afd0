// note: iterationInTest is unique across the VUs of a shared-iterations scenario: 0..5.
// expect-exit: 0
// expect-stderr: iter=0
// expect-stderr: iter=5
// expect-no-stderr: iter=6
import exec from 'k6/execution';
export const options = { vus: 2, iterations: 6 };
export default function () { console.log(`iter=${exec.scenario.iterationInTest}`); }

