// note: an exception in the init code is exit 107 and names the script's line.
// expect-exit: 107
// expect-stderr: Error: boom in init
// expect-stderr: init_exception.js:5
throw new Error('boom in init');
export default function () {}

