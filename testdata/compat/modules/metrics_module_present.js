// note: k6/metrics exports the four metric types.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
export default function () {
  check([Counter, Gauge, Rate, Trend], { 'constructors': (a) => a.every((f) => typeof f === 'function') });
}
