// note: --log-output none drops the logs.
// args: --log-output none
// expect-exit: 0
// expect-no-stderr: dropped log line
export default function () { console.log('dropped log line'); }

