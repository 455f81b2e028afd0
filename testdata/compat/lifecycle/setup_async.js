// note: an async setup's promise is awaited; its value is the data (issue #10, section 1).
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export async function setup() { await null; return { ok: true }; }
export default function (data) { check(data, { 'data.ok': (d) => d.ok === true }); }

