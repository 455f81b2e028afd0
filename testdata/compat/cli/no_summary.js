// note: --no-summary prints no summary.
// args: --no-summary
// expect-exit: 0
// expect-no-stdout: iterations
export default function () {}

