// note: an unknown executor is an invalid option (104) naming it.
// expect-exit: 104
// expect-stderr: warp-speed
export const options = { scenarios: { s: { executor: 'warp-speed' } } };
export default function () {}

