// note: --no-thresholds: a failing threshold does not fail the run.
// args: --no-thresholds
// expect-exit: 0
import { check } from 'k6';
export const options = { thresholds: { checks: ['rate==1'] } };
export default function () { check(1, { bad: () => false }); }

