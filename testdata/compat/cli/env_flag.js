// note: -e KEY=VALUE reaches __ENV.
// args: -e GREETING=hi -e "SPACED=a b"
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export default function () {
  check(__ENV, { 'GREETING': (e) => e.GREETING === 'hi', 'SPACED': (e) => e.SPACED === 'a b' });
}

