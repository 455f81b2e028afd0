// note: URLSearchParams builds and encodes query strings.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export default function () {
  const p = new URLSearchParams({ a: '1', b: 'x y' });
  p.append('a', '2');
  check(p, {
    'toString encodes': (x) => x.toString() === 'a=1&b=x+y&a=2',
    'getAll': (x) => x.getAll('a').join() === '1,2',
  });
}

