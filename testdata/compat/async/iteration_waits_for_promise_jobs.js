// note: a non-async default that queues a timer: the iteration ends only after the timer ran.
// expect-exit: 0
// expect-iterations: 2
// expect-checks: 2/2
import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  setTimeout(() => check(1, { 'timer ran inside the iteration': () => true }), 50);
}

