// note: K6_CONFIG names the JSON config file as --config does.
// env: K6_CONFIG={dir}/cli_config.json
// expect-exit: 0
// expect-iterations: 4
export default function () {}

