// note: --log-format raw writes the message alone, with no time, level or source.
// args: --log-format raw
// expect-exit: 0
// expect-stderr: just the message
// expect-no-stderr: source=console
// expect-no-stderr: level=
export default function () {
  console.log('just the message');
}
