// note: one VU that sleeps 0.5s cannot start 20 iterations a second: the rest are dropped_iterations.
// expect-exit: 0
// expect-iterations: 1..4
// expect-metric: dropped_iterations sum >= 10
import { sleep } from 'k6';
export const options = {
  scenarios: {
    car: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1 },
  },
};
export default function () { sleep(0.5); }

