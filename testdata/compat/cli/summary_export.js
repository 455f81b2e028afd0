// note: --summary-export writes k6's flat format, root_group checks keyed by name (issue #10, section 6).
// args: --summary-export {tmp}/export.json
// expect-exit: 0
// expect-file: export.json "root_group"
// expect-file: export.json "is fine": {
// expect-file: export.json "iterations": {
import { check } from 'k6';
export default function () { check(1, { 'is fine': () => true }); }

