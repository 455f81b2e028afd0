// note: -e without '=' is a CLI error naming it.
// args: -e NOEQUALS
// expect-exit: 255
// expect-stderr: NOEQUALS
export default function () {}

