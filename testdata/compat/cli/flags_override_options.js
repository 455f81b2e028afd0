// note: flags win over the script's options.
// args: -i 2
// expect-exit: 0
// expect-iterations: 2
export const options = { iterations: 10 };
export default function () {}

