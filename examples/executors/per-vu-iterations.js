// per-vu-iterations: each of 4 VUs runs exactly 25 iterations.
import neo4j from 'k6/x/neo4j';

export const options = {
  scenarios: {
    each: { executor: 'per-vu-iterations', vus: 4, iterations: 25, maxDuration: '30s' },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN $vu AS vu', { vu: __VU }, { tags: { name: 'per-vu' } });
}
