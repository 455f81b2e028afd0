// note: handleSummary's data has setup_data (what setup() returned) and options.noColor set by --no-color (k6 docs, custom-summary, data structure).
// args: --no-color
// expect-exit: 0
// expect-stdout: token=abc noColor=true
export const options = { iterations: 1 };
export function setup() { return { token: 'abc' }; }
export default function () {}
export function handleSummary(data) {
  return { stdout: `token=${data.setup_data.token} noColor=${data.options.noColor}\n` };
}
