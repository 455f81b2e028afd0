// note: ramping-vus goes from startVUs through the stages; the run ends when they end.
// expect-exit: 0
// expect-iterations: 2..40
// expect-metric: vus max <= 3
// expect-elapsed: 0.9..6
import { sleep } from 'k6';
export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus', startVUs: 1, gracefulRampDown: '0s',
      stages: [{ duration: '0.5s', target: 3 }, { duration: '0.5s', target: 0 }],
    },
  },
};
export default function () { sleep(0.1); }

