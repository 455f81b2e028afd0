// note: --summary-trend-stats chooses the trend columns.
// args: --summary-trend-stats avg,p(99.9),count
// expect-exit: 0
// expect-stdout: p(99.9)=
// expect-no-stdout: p(90)=
export default function () {}

