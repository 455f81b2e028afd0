// note: -v/--verbose turns on debug logs; console.debug shows (k6 docs, run flags).
// args: -v
// expect-exit: 0
// expect-stderr: level=debug msg=dbg-line source=console
export default function () {
  console.debug('dbg-line');
}
