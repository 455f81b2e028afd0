// note: a rejection that is caught is not an error.
// expect-exit: 0
// expect-checks: 1/1
// expect-no-stderr: Uncaught
// expect-metric: iteration_failed rate == 0
import { check } from 'k6';
export default async function () {
  let msg = '';
  try { await Promise.reject(new Error('handled')); } catch (e) { msg = e.message; }
  check(msg, { 'caught': (m) => m === 'handled' });
}

