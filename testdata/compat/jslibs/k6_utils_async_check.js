// note: the k6-utils check awaits promise-returning conditions.
// expect-exit: 0
// expect-checks: 1/2
import { check } from 'https://jslib.k6.io/k6-utils/1.5.0/index.js';
export default async function () {
  await check(1, {
    'async true': async (x) => { await null; return x === 1; },
    'async false': async () => { await null; return false; },
  });
}
