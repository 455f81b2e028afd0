// note: --summary-export writes k6's older JSON: root_group's groups and checks are objects keyed by name (k6 docs, results-output/end-of-test, --summary-export; k6 js/summary-wrapper.js transformGroup).
// args: --summary-export {tmp}/export.json
// expect-exit: 0
// expect-checks: 3/3
// expect-file: export.json "groups": {
// expect-file: export.json "outer": {
// expect-file: export.json "in outer": {
// expect-file: export.json "path": "::outer::in outer"
// expect-file: export.json "top ok": {
import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () {
  check(1, { 'top ok': (x) => x === 1 });
  group('outer', () => {
    check(1, { 'in outer': (x) => x === 1 });
    group('inner', () => { check(1, { deep: (x) => x === 1 }); });
  });
}
