// note: ES module imports by relative path.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import answer, { greet } from './lib/helper.js';
export default function () { check(null, { 'imported': () => answer === 42 && greet('x') === 'hello x' }); }

