// failing.js: a worker script whose every iteration runs a good query, a query with a
// syntax error (caught), and every fifth iteration throws from the script itself.
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: 'good-query' } });
  try {
    db.read('RETRUN 1', {}, { tags: { name: 'bad-syntax' } });
  } catch (e) {
    // counted as a failed request; the iteration goes on
  }
  if (__ITER % 5 === 4) {
    throw new Error('boom from the script');
  }
  sleep(0.05);
}
