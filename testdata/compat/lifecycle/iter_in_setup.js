// note: __ITER does not exist in setup: a ReferenceError there is exit 107 (issue #10, section 5).
// expect-exit: 107
// expect-stderr: ReferenceError
export function setup() { return __ITER; }
export default function () {}

