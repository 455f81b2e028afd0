// note: an async teardown runs to its end before the summary.
// expect-exit: 0
// expect-stderr: teardown finished
export default function () {}
export async function teardown() {
  await new Promise((r) => setTimeout(r, 50));
  console.log('teardown finished');
}

