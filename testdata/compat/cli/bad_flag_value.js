// note: a flag with a bad value is exit 255 naming it.
// args: --vus abc
// expect-exit: 255
// expect-stderr: abc
export default function () {}

