// note: options that are not an object are an invalid option.
// expect-exit: 104
// expect-stderr: options
export const options = 42;
export default function () {}

