// note: checks made after an await count like any other.
// expect-exit: 0
// expect-iterations: 3
// expect-checks: 3/3
import { check } from 'k6';
export const options = { iterations: 3 };
export default async function () {
  await new Promise((r) => setTimeout(r, 10));
  check(1, { 'after await': (x) => x === 1 });
}

