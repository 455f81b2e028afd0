// note: --out csv writes k6's CSV header and rows.
// args: --out csv={tmp}/out.csv
// expect-exit: 0
// expect-file: out.csv metric_name,timestamp,metric_value
// expect-file: out.csv iterations,
export default function () {}

