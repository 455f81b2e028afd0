// note: the summary shows the check counts and percentages as k6 prints them.
// expect-exit: 0
// expect-stdout: 50.00% 1 out of 2
import { check } from 'k6';
export default function () { check(1, { yes: () => true, no: () => false }); }

