// note: a duration shortcut of 0 is refused, as in k6 (invalid options, exit 104).
// expect-exit: 104
// expect-stderr: "duration": 0s must be more than 0
export const options = { duration: '0s' };
export default function () {}
