// note: teardownTimeout passed: k6's message, exit 101; the summary still prints.
// expect-exit: 101
// expect-stderr: teardown() execution timed out after 1 seconds
// expect-stdout: iterations
// expect-elapsed: 0..8
export const options = { teardownTimeout: '1s' };
export default function () {}
export function teardown() { for (;;) {} }
