// note: --log-format json writes each log line as JSON.
// args: --log-format json
// expect-exit: 0
// expect-stderr: "msg":"hello json"
export default function () { console.log('hello json'); }

