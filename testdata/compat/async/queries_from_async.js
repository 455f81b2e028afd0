// note: blocking module calls (queries) work from async code (issue #10, section 1).
// needs: neo4j
// expect-exit: 0
// expect-checks: 2/2
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD });
export const options = { iterations: 2 };
export default async function () {
  await null;
  const r = db.read('RETURN 1 AS one');
  check(r, { 'one row': (r) => r.count === 1 && r.records[0].one === 1 });
}
