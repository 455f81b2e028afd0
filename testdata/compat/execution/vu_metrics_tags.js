// note: exec.vu.metrics.tags is the same tag set; metadata is not a tag.
// expect-exit: 0
// expect-metric: iterations{team:blue} sum == 1
import exec from 'k6/execution';
export default function () {
  exec.vu.metrics.tags.team = 'blue';
  exec.vu.metrics.metadata.trace_id = 'abc';
}

