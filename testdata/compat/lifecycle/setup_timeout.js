// note: setupTimeout passed: exit 100 with k6's message (issue #10, section 4).
// expect-exit: 100
// expect-stderr: setup() execution timed out after
// expect-elapsed: 0..6
import { sleep } from 'k6';
export const options = { setupTimeout: '0.5s' };
export function setup() { sleep(5); }
export default function () {}

