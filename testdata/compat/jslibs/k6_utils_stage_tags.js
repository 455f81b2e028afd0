// note: k6-utils tagWithCurrentStageIndex / tagWithCurrentStageProfile tag the VU's samples with the running stage's index and profile (k6-utils docs).
// expect-exit: 0
// expect-checks: 2/2
// expect-metric: checks{stage:0,stage_profile:ramp-up} count == 2
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { getCurrentStageIndex, tagWithCurrentStageIndex, tagWithCurrentStageProfile } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
export const options = { scenarios: { r: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 1 }] } } };
export default function () {
  tagWithCurrentStageIndex();
  tagWithCurrentStageProfile();
  if (exec.vu.iterationInScenario === 0) {
    check(null, { 'first stage': () => getCurrentStageIndex() === 0 && exec.vu.tags.stage === '0' });
    check(null, { 'ramp-up': () => exec.vu.tags.stage_profile === 'ramp-up' });
  }
  sleep(0.25);
}
