// note: setTimeout is a global; its callback runs after the delay.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default async function () {
  const t0 = Date.now();
  const waited = await new Promise((r) => setTimeout(() => r(Date.now() - t0), 100));
  check(waited, { 'waited about 100ms': (w) => w >= 90 && w < 2000 });
}

