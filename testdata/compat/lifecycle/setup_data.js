// note: setup's return value reaches the default function and teardown.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
export const options = { vus: 1, iterations: 2 };
export function setup() { return { v: 1, list: [1, 2] }; }
export default function (data) { check(data, { 'data.v is 1': (d) => d.v === 1 }); }
export function teardown(data) { check(data, { 'teardown sees list': (d) => d.list.length === 2 }); }

