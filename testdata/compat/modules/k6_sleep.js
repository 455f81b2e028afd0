// note: sleep(seconds) blocks the VU.
// expect-exit: 0
// expect-elapsed: 0.5..5
// expect-metric: iteration_duration min >= 500
import { sleep } from 'k6';
export default function () { sleep(0.5); }

