// note: --summary-mode full adds a section per group to the compact summary (k6 docs, results-output/end-of-test, summary modes).
// args: --summary-mode full
// expect-exit: 0
// expect-checks: 1/1
// expect-stdout: TOTAL RESULTS
// expect-stdout: █ GROUP: login
import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () { group('login', () => { check(1, { 'logged in': () => true }); }); }
