// note: arrays and nested values: strings quoted inside, undefined and holes as null, primitives plain at the top level.
// args: --log-format raw
// expect-exit: 0
// expect-stderr: [ 1, "a", [ true, null ], { b: null, c: { d: [] } } ] plain 3
export default function () {
  console.log([1, 'a', [true, null], { b: undefined, c: { d: [] } }], 'plain', 3);
}
