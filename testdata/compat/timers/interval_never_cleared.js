// note: an interval never cleared keeps the iteration going until the hard stop (end of gracefulStop).
// expect-exit: 0
// expect-iterations: 0
// expect-elapsed: 0.4..5
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '0.5s', gracefulStop: '0.5s' } },
};
export default function () { setInterval(() => {}, 50); }

