// note: awaits, Promise.all and async helpers resolve within the iteration.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
const double = async (x) => { await null; return x * 2; };
export default async function () {
  const one = await double(2);
  const all = await Promise.all([double(1), double(3), Promise.resolve(7)]);
  check(null, { 'await': () => one === 4, 'all': () => all.join() === '2,6,7' });
}

