// note: the default gracefulStop (30s) lets a running iteration finish after duration.
// expect-exit: 0
// expect-iterations: 1
// expect-elapsed: 1.1..5
import { sleep } from 'k6';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '0.3s' } },
};
export default function () { sleep(1.2); }

