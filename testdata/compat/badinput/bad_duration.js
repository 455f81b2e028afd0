// note: a duration k6 cannot parse is an invalid option (104) naming the option and value.
// expect-exit: 104
// expect-stderr: duration
// expect-stderr: forever
export const options = { vus: 1, duration: 'forever' };
export default function () {}

