// note: the timers a failed iteration leaves are dropped, not run in the next one (as the README promises; k6 does not document this case).
// expect-exit: 0
// expect-iterations: 2
// expect-no-stderr: leftover ran
export const options = { iterations: 2, vus: 1 };
export default function () {
  setTimeout(() => console.log('leftover ran'), 200);
  throw new Error('fail now');
}

