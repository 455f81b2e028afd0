// note: -w/--throw is accepted.
// args: -w
// expect-exit: 0
export default function () {}

