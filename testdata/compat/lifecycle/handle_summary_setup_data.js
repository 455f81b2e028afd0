// note: handleSummary's data carries setup_data (issue #10, section 6).
// expect-exit: 0
// expect-stdout: setup_data.token=abc
export function setup() { return { token: 'abc' }; }
export default function () {}
export function handleSummary(data) {
  return { stdout: `setup_data.token=${data.setup_data.token}\n` };
}

