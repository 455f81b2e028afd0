// note: URL parses and exposes its parts (issue #10, section 2).
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () {
  const u = new URL('https://user@example.com:8080/a/b?q=1&r=two#frag');
  check(u, {
    'parts': (x) => x.protocol === 'https:' && x.hostname === 'example.com' && x.port === '8080' &&
      x.pathname === '/a/b' && x.search === '?q=1&r=two' && x.hash === '#frag' &&
      x.searchParams.get('r') === 'two' && new URL('../c', x).href === 'https://user@example.com:8080/c',
  });
}

