// note: a failed query throws a Neo4jError with the server's code and counts as failed.
// needs: neo4j
// expect-exit: 0
// expect-checks: 1/1
// expect-metric: neo4j_query_failed rate == 1
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD });
export default function () {
  let err;
  try { db.run('RETURN oops(', {}); } catch (e) { err = e; }
  check(err, { 'syntax error code': (e) => e.name === 'Neo4jError' && e.code === 'Neo.ClientError.Statement.SyntaxError' });
}

