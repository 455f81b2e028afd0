// note: -e values are in __ENV already while options are read (the documented way to parametrize options).
// args: -e ITERS=3
// expect-exit: 0
// expect-iterations: 3
export const options = { iterations: Number(__ENV.ITERS || 1) };
export default function () {}

