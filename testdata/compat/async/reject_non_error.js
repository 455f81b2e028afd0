// note: rejecting with a plain value is reported too.
// expect-exit: 0
// expect-stderr: Uncaught (in promise) just a string
// expect-metric: iteration_failed rate == 1
export default async function () { await null; throw 'just a string'; }

