// note: --tag NAME=VALUE lands on every sample.
// args: --tag env=ci
// expect-exit: 0
// expect-metric: iterations{env:ci} sum == 1
export default function () {}

