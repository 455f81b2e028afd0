// note: a scenario's exec naming a function the script does not export is a configuration error.
// expect-exit: 104
// expect-stderr: nope
export const options = { scenarios: { s: { executor: 'shared-iterations', exec: 'nope' } } };
export default function () {}

