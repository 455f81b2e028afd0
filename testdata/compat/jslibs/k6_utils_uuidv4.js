// note: uuidv4() gives version 4 UUIDs.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
export default function () {
  const a = uuidv4(), b = uuidv4();
  check(a, { 'v4': (u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), 'unique': () => a !== b });
}

