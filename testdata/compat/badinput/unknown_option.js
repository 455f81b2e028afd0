// note: an unknown option name is a warning, not an error.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: vuss
export const options = { vuss: 2 };
export default function () {}

