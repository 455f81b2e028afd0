// note: k6 refuses a metric name with a space at init (exit 107) with its message.
// expect-exit: 107
// expect-stderr: Invalid metric name: 'test counter'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.
import { Counter } from 'k6/metrics';
const c = new Counter('test counter');
export default function () { c.add(1); }
