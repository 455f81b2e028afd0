// note: a command line that does not parse (here a second script argument) exits 255, as k6 does for any command-line error; nothing runs.
// args: other.js
// expect-exit: 255
// expect-stderr: exactly one script
// expect-no-stderr: SHOULD NOT RUN
export default function () { console.log('SHOULD NOT RUN'); }
