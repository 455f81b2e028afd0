// note: K6_ITERATIONS and K6_VUS set options, below flags and above the script.
// env: K6_ITERATIONS=3
// env: K6_VUS=2
// expect-exit: 0
// expect-iterations: 3
// expect-metric: vus_max max == 2
export const options = { iterations: 7 };
export default function () {}

