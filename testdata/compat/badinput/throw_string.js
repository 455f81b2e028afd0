// note: throwing a string is reported with the string.
// expect-exit: 0
// expect-stderr: a plain string thrown
export default function () { throw 'a plain string thrown'; }

