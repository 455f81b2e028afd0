// note: an exception in a timer callback counts like any other (issue #10, section 2).
// expect-exit: 0
// expect-iterations: 2
// expect-stderr: Error: in timer
// expect-metric: iteration_failed rate == 1
export const options = { iterations: 2 };
export default function () { setTimeout(() => { throw new Error('in timer'); }, 10); }

