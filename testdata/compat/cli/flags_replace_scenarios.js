// note: -i on the command line replaces the script's scenarios with a shared-iterations run, and k6 warns about it (issue #10, section 5).
// args: -i 2
// expect-exit: 0
// expect-iterations: 2
// expect-stderr: level configuration overrode scenarios configuration entirely
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 5 } } };
export default function () {}

