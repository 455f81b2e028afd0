// note: timers fire in order of their due time, not of their creation.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default async function () {
  const order = [];
  setTimeout(() => order.push('late'), 60);
  setTimeout(() => order.push('early'), 10);
  setTimeout(() => order.push('zero'), 0);
  await new Promise((r) => setTimeout(r, 120));
  check(order.join(','), { 'zero,early,late': (o) => o === 'zero,early,late' });
}

