// note: threshold text k6 cannot parse is an invalid option (exit 104) naming it.
// expect-exit: 104
// expect-stderr: p(95)<<1
export const options = { thresholds: { iteration_duration: ['p(95)<<1'] } };
export default function () {}

