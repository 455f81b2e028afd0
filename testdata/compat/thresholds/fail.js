// note: a failed threshold is exit 99 with a ✗ in the summary.
// expect-exit: 99
// expect-stdout: ✗
import { check } from 'k6';
export const options = { iterations: 2, thresholds: { checks: ['rate>0.9'] } };
export default function () { check(1, { bad: () => false }); }

