// note: open(path, 'b') gives an ArrayBuffer.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
const bin = open('./data/hello.txt', 'b');
export default function () { check(bin, { 'ArrayBuffer of 18 bytes': (b) => b instanceof ArrayBuffer && b.byteLength === 18 }); }

