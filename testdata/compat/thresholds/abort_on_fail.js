// note: abortOnFail stops the run while it goes: exit 99, well before its 30s.
// expect-exit: 99
// expect-elapsed: 0..15
import { check, sleep } from 'k6';
export const options = {
  vus: 1, duration: '30s',
  thresholds: { checks: [{ threshold: 'rate>0.9', abortOnFail: true }] },
};
export default function () { check(1, { bad: () => false }); sleep(0.05); }

