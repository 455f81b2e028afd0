// note: a cleared timeout never runs.
// expect-exit: 0
// expect-checks: 1/1
// expect-no-stderr: should not run
import { check } from 'k6';
export default async function () {
  const id = setTimeout(() => console.log('should not run'), 30);
  clearTimeout(id);
  await new Promise((r) => setTimeout(r, 80));
  check(id, { 'id is a number': (i) => typeof i === 'number' });
}

