// note: --summary-mode disabled prints no end-of-test summary (k6 docs, k6-options reference, summary-mode).
// args: --summary-mode disabled
// expect-exit: 0
// expect-iterations: 1
// expect-no-stdout: TOTAL RESULTS
export const options = { iterations: 1 };
export default function () {}
