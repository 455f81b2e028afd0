// note: crypto.randomUUID gives a version 4 UUID.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  check(crypto.randomUUID(), { 'v4 uuid': (u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u) });
}

