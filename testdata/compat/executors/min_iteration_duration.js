// note: minIterationDuration paces iterations: 3 of them take about 3s (issue #10, section 4).
// expect-exit: 0
// expect-iterations: 3
// expect-elapsed: 2.5..8
export const options = { iterations: 3, minIterationDuration: '1s' };
export default function () {}
