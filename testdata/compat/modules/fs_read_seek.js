// note: k6/experimental/fs: open() in init resolves to a File; read() resolves to the bytes read, then null at the end; seek() and stat() as k6's docs describe.
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
import { open, SeekMode } from 'k6/experimental/fs';
const file = await open('./data/users.csv');
export default async function () {
  const info = await file.stat();
  const buf = new Uint8Array(8);
  await file.seek(0, SeekMode.Start);
  const n = await file.read(buf);
  await file.seek(0, SeekMode.End);
  const atEnd = await file.read(buf);
  const offset = await file.seek(-6, SeekMode.End);
  check(null, {
    'stat': () => info.name === 'users.csv' && info.size === 34,
    'read': () => n === 8 && String.fromCharCode(...buf) === 'name,age',
    'null at the end': () => atEnd === null,
    'seek returns the offset': () => offset === 28,
  });
}
