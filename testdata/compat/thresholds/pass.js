// note: thresholds that hold: exit 0 and a ✓ in the summary.
// expect-exit: 0
// expect-stdout: ✓
import { check } from 'k6';
export const options = { iterations: 2, thresholds: { checks: ['rate==1'], iteration_duration: ['p(95)<5000'] } };
export default function () { check(1, { ok: () => true }); }

