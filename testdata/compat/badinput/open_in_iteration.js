// note: open() outside the init context is an error for that iteration only.
// expect-exit: 0
// expect-stderr: init
// expect-metric: iteration_failed rate == 1
export default function () { open('./open_in_iteration.js'); }

