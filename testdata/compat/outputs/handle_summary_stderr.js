// note: handleSummary's stderr key goes to stderr.
// expect-exit: 0
// expect-stderr: to stderr from summary
export default function () {}
export function handleSummary() { return { stderr: 'to stderr from summary\n' }; }
