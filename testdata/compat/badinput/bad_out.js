// note: an unknown output type is an error naming it and the known ones. k6 returns this error with no exit code of its own (255); we keep 104, invalid configuration, on purpose: CI can tell a bad --out from a crash. Listed in the README's differences.
// args: --out nosuchoutput
// expect-exit: 104
// expect-stderr: unknown output "nosuchoutput"
export default function () {}
