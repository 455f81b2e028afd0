// note: csv.parse options fromLine and toLine pick a range of lines and delimiter splits fields (k6/experimental/csv Options).
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
const file = await open('./data/users.csv');
const middle = await csv.parse(file, { fromLine: 2, toLine: 2 });
const semicolons = await csv.parse(file, { delimiter: ';', skipFirstLine: true });
export default function () {
  check(null, {
    'one line': () => middle.length === 1 && middle[0].join() === 'bob,41',
    'one field': () => semicolons.length === 3 && semicolons[0].length === 1 && semicolons[0][0] === 'alice,30',
  });
}
