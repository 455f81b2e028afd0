// note: K6_ITERATIONS replacing the script's scenarios gets k6's warning, naming the env level.
// env: K6_ITERATIONS=2
// expect-exit: 0
// expect-iterations: 2
// expect-stderr: \"env\" level configuration overrode scenarios configuration entirely
export const options = { scenarios: { mine: { executor: 'shared-iterations', iterations: 7 } } };
export default function () {}
