// note: handleSummary's data has k6's shape: state, options, root_group, metrics with type/contains/values.
// expect-exit: 0
// expect-stdout: shape ok
import { check } from 'k6';
export default function () { check(1, { one: (x) => x === 1 }); }
export function handleSummary(d) {
  const ok = d.state && typeof d.state.testRunDurationMs === 'number' &&
    d.options && Array.isArray(d.options.summaryTrendStats) &&
    d.root_group && Array.isArray(d.root_group.checks) &&
    d.metrics.iterations.type === 'counter' && d.metrics.iteration_duration.contains === 'time' &&
    d.metrics.checks.values.rate === 1;
  return { stdout: ok ? 'shape ok\n' : `shape wrong: ${JSON.stringify(d).slice(0, 400)}\n` };
}

