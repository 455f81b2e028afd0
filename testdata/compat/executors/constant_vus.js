// note: constant-vus loops 2 VUs for 1s; each iteration sleeps 0.2s, so about 10 iterations.
// expect-exit: 0
// expect-iterations: 6..12
// expect-elapsed: 0.9..6
import { sleep } from 'k6';
export const options = {
  scenarios: { steady: { executor: 'constant-vus', vus: 2, duration: '1s' } },
};
export default function () { sleep(0.2); }

