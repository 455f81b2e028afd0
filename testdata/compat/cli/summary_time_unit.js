// note: --summary-time-unit s prints every time in seconds.
// args: --summary-time-unit s
// expect-exit: 0
// expect-no-stdout: µs
export default function () {}

