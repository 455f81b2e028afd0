// note: k6/experimental/csv parse() resolves to a SharedArray of rows.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
const rows = await csv.parse(await open('./data/users.csv'), { skipFirstLine: true });
export default function () {
  check(rows, { 'three rows': (r) => r.length === 3, 'first row': (r) => r[0][0] === 'alice' && r[0][1] === '30' });
}

