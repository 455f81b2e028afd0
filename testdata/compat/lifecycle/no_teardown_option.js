// note: noTeardown skips teardown(), noSetup skips setup(): the default function gets no data.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: data=undefined
// expect-no-stderr: TEARDOWN RAN
export const options = { noSetup: true, noTeardown: true };
export function setup() { return { a: 1 }; }
export default function (d) { console.log(`data=${JSON.stringify(d)}`); }
export function teardown() { console.log('TEARDOWN RAN'); }
