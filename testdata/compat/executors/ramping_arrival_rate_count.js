// note: ramping-arrival-rate starts its first iteration once a whole iteration's worth of rate has passed and none at the very end: 10/s held for 2s starts 19 (k6's executor schedule; constant-arrival-rate starts 21).
// expect-exit: 0
// expect-iterations: 19
export const options = {
  scenarios: {
    rar: { executor: 'ramping-arrival-rate', startRate: 10, timeUnit: '1s', preAllocatedVUs: 3,
      stages: [{ target: 10, duration: '2s' }] },
  },
};
export default function () {}
