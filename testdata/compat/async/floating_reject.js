// note: a floating Promise.reject() with no handler is logged and counted like a throw.
// expect-exit: 0
// expect-stderr: Uncaught (in promise) Error: floating
// expect-metric: iteration_failed rate == 1
export default function () { Promise.reject(new Error('floating')); }

