// note: nested groups tag checks with the group path ::outer::inner.
// expect-exit: 0
// expect-checks: 1/1
// expect-metric: checks{group:::outer::inner} count == 1
// expect-metric: group_duration{group:::outer} count == 1
import { check, group } from 'k6';
export default function () {
  group('outer', () => { group('inner', () => { check(1, { 'inside': () => true }); }); });
}

