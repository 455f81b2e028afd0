// note: an unknown --summary-mode is refused before the run, naming the flag and the value (k6 accepts compact, full, legacy; legacy is not offered here).
// args: --summary-mode verbose
// expect-exit: 104
// expect-stderr: --summary-mode
// expect-stderr: verbose
export default function () {}
