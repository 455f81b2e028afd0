// note: an async setup that rejects is a setup exception: exit 107.
// expect-exit: 107
// expect-stderr: setup went wrong
export async function setup() { await null; throw new Error('setup went wrong'); }
export default function () {}

