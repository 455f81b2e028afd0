// note: a scenario's tags land on every sample of its iterations.
// expect-exit: 0
// expect-metric: iterations{flow:checkout} sum == 2
// expect-metric: iterations{scenario:buy} sum == 2
export const options = {
  scenarios: { buy: { executor: 'shared-iterations', vus: 1, iterations: 2, tags: { flow: 'checkout' } } },
};
export default function () {}

