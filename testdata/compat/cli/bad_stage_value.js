// note: a bad flag value exits 255, as k6 (its exit-code table: a CLI error is -1, i.e. 255), naming the flag.
// args: --stage 30s
// expect-exit: 255
// expect-stderr: --stage
export default function () {}
