// note: negative vus is an invalid option (104).
// expect-exit: 104
// expect-stderr: vus
export const options = { vus: -1, iterations: 1 };
export default function () {}

