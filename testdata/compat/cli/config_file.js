// note: --config FILE gives options below the script's.
// args: --config {dir}/cli_config.json
// expect-exit: 0
// expect-iterations: 4
export default function () {}

