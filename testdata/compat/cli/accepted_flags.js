// note: flags k6 accepts that change nothing here must be accepted (issue #10, section 5).
// args: --no-usage-report --compatibility-mode extended -v --system-tags scenario,group
// expect-exit: 0
// expect-iterations: 1
export default function () {}

