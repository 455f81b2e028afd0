// note: delayAbortEval holds abortOnFail back: the run ends at its own end (1s), then exits 99.
// expect-exit: 99
// expect-elapsed: 0.9..8
import { check, sleep } from 'k6';
export const options = {
  vus: 1, duration: '1s',
  thresholds: { checks: [{ threshold: 'rate>0.9', abortOnFail: true, delayAbortEval: '10s' }] },
};
export default function () { check(1, { bad: () => false }); sleep(0.1); }

