// note: group() returns its callback's value.
// expect-exit: 0
// expect-checks: 1/1
import { check, group } from 'k6';
export default function () { check(group('g', () => 7), { 'returns 7': (v) => v === 7 }); }

