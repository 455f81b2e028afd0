// note: the built-in execution metrics are emitted.
// expect-exit: 0
// expect-metric: iteration_duration count == 2
// expect-metric: vus max >= 1
// expect-metric: vus_max max >= 1
// expect-stdout: iteration_duration
export const options = { iterations: 2 };
export default function () {}
