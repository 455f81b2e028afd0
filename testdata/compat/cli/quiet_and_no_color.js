// note: -q and --no-color are accepted; no ANSI escape in the output.
// args: -q --no-color
// expect-exit: 0
// expect-no-stdout: [0m
export default function () {}
