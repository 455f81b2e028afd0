// note: handleSummary may be async; what its promise fulfils with is written.
// expect-exit: 0
// expect-stdout: async summary done
export default function () {}
export async function handleSummary() {
  await null;
  return { stdout: 'async summary done\n' };
}

