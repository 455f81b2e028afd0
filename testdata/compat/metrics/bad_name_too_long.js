// note: a metric name over 128 characters is refused (exit 107).
// expect-exit: 107
// expect-stderr: metric name
import { Counter } from 'k6/metrics';
const c = new Counter('m'.repeat(129));
export default function () { c.add(1); }

