// note: an Error prints as its text, a function as [object Function], empty array and object as [] and {}.
// args: --log-format raw
// expect-exit: 0
// expect-stderr: Error: bad [object Function] [] {}
// expect-stderr: { fn: [object Function], d: "1970-01-01T00:00:00.000Z" }
export default function () {
  console.log(new Error('bad'), function f() {}, [], {});
  console.log({ fn() {}, d: new Date(0) });
}
