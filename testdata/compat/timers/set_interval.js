// note: an interval ticks until cleared.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default async function () {
  let ticks = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve(); } }, 20);
  });
  check(ticks, { 'three ticks': (t) => t === 3 });
}

