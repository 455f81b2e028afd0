// note: new csv.Parser(file, options) streams: next() resolves to {done: false, value} per record, then {done: true, value: undefined} (k6/experimental/csv Parser docs).
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import { open } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
const parser = new csv.Parser(await open('./data/users.csv'), { skipFirstLine: true });
export default async function () {
  const names = [];
  let r;
  while (!(r = await parser.next()).done) names.push(r.value[0]);
  check(null, { 'every record, then done': () => names.join() === 'alice,bob,carol' && r.value === undefined });
}
