// note: the documented SharedArray pattern: JSON.parse(open(file)) inside the constructor's function.
// expect-exit: 0
// expect-iterations: 2
// expect-checks: 2/2
import { check } from 'k6';
import { SharedArray } from 'k6/data';
const data = new SharedArray('users', function () { return JSON.parse(open('./data/users.json')); });
export const options = { vus: 2, iterations: 2 };
export default function () {
  check(data[__VU % 2], { 'user from the file': (u) => data.length === 2 && /^user[12]$/.test(u.username) });
}

