// note: gracefulStop 0s: an iteration still running at the end of duration is interrupted and not counted.
// expect-exit: 0
// expect-iterations: 0
// expect-elapsed: 0.4..2.9
import { sleep } from 'k6';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '0.5s', gracefulStop: '0s' } },
};
export default function () { sleep(3); }

