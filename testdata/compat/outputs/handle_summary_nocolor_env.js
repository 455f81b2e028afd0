// note: options.noColor follows NO_COLOR (set by this header) as k6's --no-color does; isStdOutTTY is false when stdout is not a terminal (k6 docs, custom-summary). The cmd test TestHandleSummaryDataZeroValuesAndNoColor covers noColor=false without NO_COLOR.
// env: NO_COLOR=1
// expect-exit: 0
// expect-stdout: noColor=true isStdOutTTY=false
export const options = { iterations: 1 };
export default function () {}
export function handleSummary(data) {
  return { stdout: `noColor=${data.options.noColor} isStdOutTTY=${data.state.isStdOutTTY}\n` };
}
