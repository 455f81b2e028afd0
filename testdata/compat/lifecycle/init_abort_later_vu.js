// note: exec.test.abort() in the init code of a VU after the first: exit 108, and handleSummary still runs.
// expect-exit: 108
// expect-stderr: HANDLE SUMMARY RAN
// expect-stderr: vu 2 says no
import exec from 'k6/execution';
export const options = { vus: 3, duration: '10s' };
if (__VU === 2) exec.test.abort('vu 2 says no');
export default function () {}
export function handleSummary() { console.log('HANDLE SUMMARY RAN'); return {}; }
