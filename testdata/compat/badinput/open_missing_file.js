// note: open() of a missing file fails the init code (107) naming the file.
// expect-exit: 107
// expect-stderr: no-such-file.txt
const data = open('./no-such-file.txt');
export default function () {}

