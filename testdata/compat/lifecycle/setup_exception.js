// note: an exception in setup stops the run: exit 107, no iterations.
// expect-exit: 107
// expect-stderr: Error: boom in setup
// expect-no-stderr: iteration ran
export function setup() { throw new Error('boom in setup'); }
export default function () { console.log('iteration ran'); }

