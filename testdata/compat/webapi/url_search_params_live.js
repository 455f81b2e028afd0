// note: url.searchParams is live: changing it changes url.search and the other way round; form encoding writes '+' for a space (WHATWG URL standard).
// expect-exit: 0
// expect-checks: 4/4
import { check } from 'k6';
export default function () {
  const u = new URL('http://127.0.0.1:7474/q?a=1');
  u.searchParams.append('cypher', 'MATCH (n) RETURN n');
  u.searchParams.set('a', 'é&');
  const afterAppend = u.search;
  u.search = '?k=v+w';
  check(u, {
    'search follows params': () => afterAppend === '?a=%C3%A9%26&cypher=MATCH+%28n%29+RETURN+n',
    'params follow search': (x) => x.searchParams.get('k') === 'v w' && x.searchParams.size === 1,
    'same object': (x) => x.searchParams === x.searchParams,
    'sorted iteration': () => { const p = new URLSearchParams('b=2&a=1&c=3'); p.sort(); return [...p.keys()].join('') === 'abc'; },
  });
}
