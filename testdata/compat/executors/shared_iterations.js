// note: shared-iterations splits the iterations among the VUs: 6 in all, whatever VU runs them.
// expect-exit: 0
// expect-iterations: 6
// expect-metric: iterations{scenario:shared} sum == 6
export const options = {
  scenarios: { shared: { executor: 'shared-iterations', vus: 2, iterations: 6 } },
};
export default function () {}

