// note: __VU is 0 in the init code of the setup/options runtimes and 1.. in the VUs', __ITER counts per VU.
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
export const options = { vus: 2, iterations: 2 };
const initVU = __VU;
export default function () {
  check(null, {
    'VU numbered from 1': () => __VU >= 1 && __VU <= 2,
    'init saw the same VU': () => initVU === __VU,
  });
}
