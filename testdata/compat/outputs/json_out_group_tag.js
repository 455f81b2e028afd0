// note: samples inside a group carry its path in the group tag.
// args: --out json={tmp}/out.json
// expect-exit: 0
// expect-file: out.json "group":"::login"
import { check, group } from 'k6';
export default function () { group('login', () => check(1, { ok: () => true })); }

