// note: minIterationDuration paces each VU: 2 VUs x 2 iterations of 1s minimum take about 2s, not 4s.
// expect-exit: 0
// expect-iterations: 4
// expect-elapsed: 1.7..7
export const options = { scenarios: { p: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } }, minIterationDuration: '1s' };
export default function () {}
