// note: console.log of an object prints k6 v1's compact form, not JSON (k6 docs, console; issue #10 section 6).
// args: --log-format raw
// expect-exit: 0
// expect-stderr: { name: "John", id: 1 }
// expect-no-stderr: {"name":"John","id":1}
export default function () {
  console.log({ name: 'John', id: 1 });
}
