// note: shared-iterations with fewer iterations than VUs is an invalid option in k6.
// expect-exit: 104
// expect-stderr: iterations
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 5, iterations: 2 } } };
export default function () {}

