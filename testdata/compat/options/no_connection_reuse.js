// note: noConnectionReuse is accepted with a warning (connections are pooled anyway); discardResponseBodies is accepted silently.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: \"noConnectionReuse\" has no effect
// expect-no-stderr: discardResponseBodies
export const options = { noConnectionReuse: true, discardResponseBodies: true };
export default function () {}
