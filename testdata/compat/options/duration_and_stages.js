// note: duration and stages each choose an executor: k6 refuses both at once (exit 104).
// expect-exit: 104
// expect-stderr: "duration" and "stages" are both set
export const options = { duration: '5s', stages: [{ duration: '1s', target: 2 }] };
export default function () {}
