// note: k6 starts an iteration at t=0 and then one every 1/rate: 10/s for 2s is 21 (issue #10, section 4).
// expect-exit: 0
// expect-iterations: 21
// expect-metric: dropped_iterations sum == 0
export const options = {
  scenarios: {
    car: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '2s', preAllocatedVUs: 3 },
  },
};
export default function () {}

