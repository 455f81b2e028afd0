// bench/read.js: the JS side of bench/compare. One read per iteration, the same query and
// parameters as bench/direct.
import neo4j from 'k6/x/neo4j';

const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  const r = db.read('RETURN $x AS x', { x: 1 });
  if (r.records[0].x !== 1) throw new Error('wrong result');
}
