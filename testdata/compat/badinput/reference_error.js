// note: a ReferenceError in an iteration ends that iteration only; it names the script's line.
// expect-exit: 0
// expect-iterations: 2
// expect-stderr: ReferenceError: undefinedThing is not defined
// expect-stderr: reference_error.js:9
// expect-metric: iteration_failed rate == 1
export const options = { iterations: 2 };
export default function () {
  undefinedThing();
}

