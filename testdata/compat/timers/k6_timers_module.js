// note: the timers also come from k6/timers.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import { setTimeout, clearTimeout, setInterval, clearInterval } from 'k6/timers';
export default async function () {
  const fns = [setTimeout, clearTimeout, setInterval, clearInterval].every((f) => typeof f === 'function');
  await new Promise((r) => setTimeout(r, 10));
  check(fns, { 'all four are functions': (x) => x });
}

