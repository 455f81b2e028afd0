// note: --vus and --iterations make a shared-iterations run.
// args: --vus 2 --iterations 5
// expect-exit: 0
// expect-iterations: 5
// expect-metric: vus_max max == 2
export default function () {}

