// note: vus alone is shared-iterations with as many iterations as VUs (k6's shortcut).
// expect-exit: 0
// expect-iterations: 3
// expect-stderr: executor=shared-iterations
import exec from 'k6/execution';
export const options = { vus: 3 };
export default function () { if (exec.scenario.iterationInTest === 0) console.log(`executor=${exec.scenario.executor}`); }
