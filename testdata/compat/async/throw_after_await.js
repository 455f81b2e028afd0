// note: an exception after an await is logged and counted for each iteration (issue #10, section 1).
// expect-exit: 0
// expect-iterations: 2
// expect-stderr: Uncaught (in promise) Error: rejected in async iteration
// expect-metric: iteration_failed rate == 1
export const options = { iterations: 2 };
export default async function () { await null; throw new Error('rejected in async iteration'); }

