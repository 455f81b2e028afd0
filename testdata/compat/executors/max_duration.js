// note: maxDuration ends shared-iterations early; the running iteration may finish within gracefulStop.
// expect-exit: 0
// expect-iterations: 2..5
// expect-elapsed: 0.9..4
import { sleep } from 'k6';
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 100, maxDuration: '1s' } },
};
export default function () { sleep(0.3); }

