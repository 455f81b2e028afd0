// note: promise jobs run after the synchronous code and before timers.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default async function () {
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  Promise.resolve().then(() => order.push('micro'));
  order.push('sync');
  await new Promise((r) => setTimeout(r, 20));
  check(order.join(','), { 'sync,micro,timer': (o) => o === 'sync,micro,timer' });
}

