// note: the documented parameter-data pattern: papaparse inside a SharedArray.
// expect-exit: 0
// expect-iterations: 4
// expect-checks: 4/4
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
const users = new SharedArray('users', function () {
  return papaparse.parse(open('./data/users.csv'), { header: true, skipEmptyLines: true }).data;
});
export const options = { vus: 2, iterations: 4 };
export default function () {
  const u = users[Math.floor(Math.random() * users.length)];
  check(u, { 'has a name': (x) => users.length === 2 && (x.name === 'alice' || x.name === 'bob') });
}

