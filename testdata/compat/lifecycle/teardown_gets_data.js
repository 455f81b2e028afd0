// note: teardown(data) gets setup's data.
// expect-exit: 0
// expect-stderr: teardown got 42
export function setup() { return { n: 42 }; }
export default function () {}
export function teardown(data) { console.log(`teardown got ${data.n}`); }

