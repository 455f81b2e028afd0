// bench/profile.js: the JS side of bench/profile. One read per iteration over 200 nodes
// that setup() makes once; PROFILE (0 when unset) is the connect() profile share and
// SERVER_METRICS (off when unset) the sampler's period.
import neo4j from 'k6/x/neo4j';

const db = neo4j.connect(__ENV.NEO4J_URI, {
  user: 'neo4j', password: __ENV.NEO4J_PASSWORD, profile: Number(__ENV.PROFILE || 0),
  serverMetrics: __ENV.SERVER_METRICS || 0,
});

export function setup() {
  db.write('UNWIND range(0, 199) AS i MERGE (:BenchProfile {id: i})');
}

export default function () {
  const r = db.read('MATCH (n:BenchProfile) WHERE n.id < $max RETURN n.id AS id', { max: 10 },
    { tags: { name: 'bench' } });
  if (r.count !== 10) throw new Error(`wrong result: ${r.count} records`);
}
