// note: clearing an unknown or undefined id does nothing.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  clearTimeout(12345); clearInterval(undefined); clearTimeout();
  check(1, { 'no throw': () => true });
}
