// note: handleSummary's stdout key replaces the default summary.
// expect-exit: 0
// expect-stdout: custom summary: 3 iterations
// expect-no-stdout: iteration_duration
export const options = { iterations: 3 };
export default function () {}
export function handleSummary(data) {
  return { stdout: `custom summary: ${data.metrics.iterations.values.count} iterations\n` };
}

