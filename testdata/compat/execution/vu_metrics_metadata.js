// note: exec.vu.metrics.metadata is readable and writable and is not a tag (no submetric sees it).
// expect-exit: 0
// expect-checks: 2/2
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('with_metadata');
export const options = { iterations: 1, thresholds: { 'with_metadata{trace_id:abc}': ['count==0'], with_metadata: ['count==1'] } };
export default function () {
  exec.vu.metrics.metadata.trace_id = 'abc';
  c.add(1);
  check(exec.vu.metrics, {
    'metadata reads back': (m) => m.metadata.trace_id === 'abc',
    'metadata is not a tag': (m) => m.tags.trace_id === undefined,
  });
}
