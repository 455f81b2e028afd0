// note: exec.test.options is k6's consolidated options: shortcuts folded into scenarios with every field filled in, frozen.
// expect-exit: 0
// expect-checks: 16/16
import exec from 'k6/execution';
import { check } from 'k6';
export const options = { vus: 2, iterations: 4 };
export default function () {
  check(exec.test.options, {
    'no vus/iterations shortcut': (o) => o.vus === undefined && o.iterations === undefined,
    'scenario filled in': (o) => o.scenarios.default.executor === 'shared-iterations' && o.scenarios.default.vus === 2 && o.scenarios.default.gracefulStop === '30s',
    'summaryTrendStats': (o) => o.summaryTrendStats.join(',') === 'avg,min,med,max,p(90),p(95)',
    'frozen': (o) => Object.isFrozen(o),
  });
}
