// note: open() in the init context reads a file relative to the script.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
const text = open('./data/hello.txt');
export default function () { check(text, { 'file read': (t) => t === 'hello from a file\n' }); }

