// note: csv.parse with asObjects makes objects keyed by the header row; the array is shared read-only by every VU (k6/experimental/csv docs).
// expect-exit: 0
// expect-checks: 12/12
// expect-iterations: 4
import { check } from 'k6';
import exec from 'k6/execution';
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
const users = await csv.parse(await open('./data/users.csv'), { asObjects: true });
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };
export default function () {
  const u = users[exec.scenario.iterationInTest % users.length];
  check(users, {
    'three users': (a) => a.length === 3 && a[2].name === 'carol' && a[2].age === '52',
    'a user': () => typeof u.name === 'string' && typeof u.age === 'string',
    'read-only': (a) => { try { a[0] = {}; return false; } catch (e) { return e instanceof TypeError; } },
  });
}
