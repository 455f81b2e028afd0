// note: a stack frame names the default function `default`, as the script wrote it (k6), not the bundler's name for it.
// args: --log-format raw
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: Error: boom
// expect-stderr: at helper (
// expect-stderr: at default (
// expect-no-stderr: stack_default_name_default
function helper() {
  throw new Error('boom');
}
export default function () {
  helper();
}
