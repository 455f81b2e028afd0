// note: check()'s third argument tags its samples.
// expect-exit: 0
// expect-metric: checks{kind:mine} count == 1
import { check } from 'k6';
export default function () { check(1, { 'tagged': () => true }, { kind: 'mine' }); }

