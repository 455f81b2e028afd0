// note: a threshold on a metric no script defines and k6 does not know is an invalid option (exit 104).
// expect-exit: 104
// expect-stderr: no_such_metric
export const options = { thresholds: { no_such_metric: ['count>0'] } };
export default function () {}
