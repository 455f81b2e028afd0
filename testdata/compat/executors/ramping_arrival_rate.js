// note: the rate ramps 0 -> 10/s over 1s, then holds 10/s for 1s: about 5 + 10 iterations.
// expect-exit: 0
// expect-iterations: 12..18
export const options = {
  scenarios: {
    rar: {
      executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 3,
      stages: [{ target: 10, duration: '1s' }, { target: 10, duration: '1s' }],
    },
  },
};
export default function () {}

