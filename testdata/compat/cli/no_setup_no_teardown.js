// note: --no-setup and --no-teardown skip those functions.
// args: --no-setup --no-teardown
// expect-exit: 0
// expect-no-stderr: setup ran
// expect-no-stderr: teardown ran
export function setup() { console.log('setup ran'); }
export default function () {}
export function teardown() { console.log('teardown ran'); }

