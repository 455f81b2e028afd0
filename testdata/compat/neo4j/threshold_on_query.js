// note: thresholds on the query metrics, selected by the name tag.
// needs: neo4j
// expect-exit: 0
import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD });
export const options = {
  iterations: 3,
  thresholds: { 'neo4j_query_duration{name:ping}': ['p(95)<5000'], neo4j_query_failed: ['rate==0'] },
};
export default function () { db.read('RETURN 1', {}, { tags: { name: 'ping' } }); }

