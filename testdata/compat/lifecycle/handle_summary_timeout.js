// note: handleSummaryTimeout ends handleSummary() with k6's message; the default summary prints instead, exit 0.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: handleSummary() execution timed out after 1 seconds
// expect-elapsed: 0..8
export const options = { handleSummaryTimeout: '1s' };
export default function () {}
export function handleSummary() { for (;;) {} }
