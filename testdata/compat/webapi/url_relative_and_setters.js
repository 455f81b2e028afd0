// note: URL resolves relative references against a base and its setters change one part (WHATWG URL standard, which k6's URL follows).
// expect-exit: 0
// expect-checks: 5/5
import { check } from 'k6';
export default function () {
  const u = new URL('../db/neo4j/query?x=1#top', 'http://127.0.0.1:7474/a/b/');
  check(u, {
    'resolved': (x) => x.href === 'http://127.0.0.1:7474/a/db/neo4j/query?x=1#top',
    'parts': (x) => x.protocol === 'http:' && x.host === '127.0.0.1:7474' && x.pathname === '/a/db/neo4j/query' && x.search === '?x=1' && x.hash === '#top',
    'origin': (x) => x.origin === 'http://127.0.0.1:7474',
  });
  u.port = '443'; u.protocol = 'https'; u.hash = '';
  check(u, {
    'default port dropped': (x) => x.port === '' && x.href === 'https://127.0.0.1/a/db/neo4j/query?x=1',
    'toJSON': (x) => JSON.stringify({ x }) === '{"x":"https://127.0.0.1/a/db/neo4j/query?x=1"}',
  });
}
