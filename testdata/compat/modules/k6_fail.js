// note: fail() ends the iteration with its message; the run exits 0.
// expect-exit: 0
// expect-iterations: 1
// expect-stderr: something was wrong
// expect-no-stderr: after fail
import { fail } from 'k6';
export default function () { fail('something was wrong'); console.log('after fail'); }

