// note: --log-output file=PATH writes the logs there instead of stderr.
// args: --log-output file={tmp}/k6.log
// expect-exit: 0
// expect-file: k6.log hello file log
// expect-no-stderr: hello file log
export default function () { console.log('hello file log'); }

