// note: runaway recursion ends the iteration with a RangeError, not a Go stack overflow.
// expect-exit: 0
// expect-stderr: RangeError: Maximum call stack size exceeded
function f() { return f() + 1; }
export default function () { f(); }

