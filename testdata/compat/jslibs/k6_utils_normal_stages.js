// note: normalDistributionStages(maxVUs, durationSeconds, numberOfStages) gives stages that end at 0.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import { normalDistributionStages } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
export default function () {
  const st = normalDistributionStages(10, 20, 5);
  check(st, { 'stages': (s) => Array.isArray(s) && s.length > 0 && s[s.length - 1].target === 0 && s.every((x) => typeof x.duration === 'string') });
}
