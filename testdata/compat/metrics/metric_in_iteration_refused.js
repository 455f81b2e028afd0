// note: k6 creates metrics only in the init context.
// expect-exit: 0
// expect-stderr: init
// expect-metric: iteration_failed rate == 1
import { Counter } from 'k6/metrics';
export default function () { new Counter('late_counter'); }

