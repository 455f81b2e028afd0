// note: SharedArray is built once from its function and is read-only.
// expect-exit: 0
// expect-iterations: 4
// expect-checks: 8/8
import { check } from 'k6';
import { SharedArray } from 'k6/data';
const users = new SharedArray('users', () => [{ name: 'a' }, { name: 'b' }]);
export const options = { vus: 2, iterations: 4 };
export default function () {
  let threw = false;
  try { users.push({ name: 'c' }); } catch (e) { threw = true; }
  check(users, { 'two users': (u) => u.length === 2 && u[1].name === 'b', 'read-only': () => threw || users.length === 2 });
}

