// note: a read query returns records keyed by column and counts in neo4j_queries.
// needs: neo4j
// expect-exit: 0
// expect-checks: 2/2
// expect-metric: neo4j_queries sum == 2
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD });
export const options = { iterations: 2 };
export default function () {
  const r = db.read('UNWIND range(1, 3) AS x RETURN x', {}, { tags: { name: 'three rows' } });
  check(r, { 'three records': (r) => r.count === 3 && r.records[2].x === 3 });
}

