// note: more than 65536 bytes is a QuotaExceededError.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  let name = '';
  try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { name = e.name; }
  check(name, { 'QuotaExceededError': (n) => n === 'QuotaExceededError' });
}

