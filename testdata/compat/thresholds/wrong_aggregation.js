// note: an aggregation the metric's type lacks is an invalid option (exit 104).
// expect-exit: 104
// expect-stderr: iteration_duration
export const options = { thresholds: { iteration_duration: ['rate<0.1'] } };
export default function () {}

