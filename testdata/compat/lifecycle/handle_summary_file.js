// note: handleSummary writes files named by its keys, relative to the working directory.
// expect-exit: 0
// expect-file: summary.json "iterations"
// expect-file: summary.txt hello
export default function () {}
export function handleSummary(data) {
  return { 'summary.json': JSON.stringify(data), 'summary.txt': 'hello\n' };
}

