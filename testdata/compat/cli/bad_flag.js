// note: an unknown flag is exit 255 naming it (issue #10, section 5).
// args: --no-such-flag
// expect-exit: 255
// expect-stderr: no-such-flag
export default function () {}

