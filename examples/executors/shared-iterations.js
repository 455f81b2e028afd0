// shared-iterations: 5 VUs share 200 iterations; fast VUs take more of them.
import neo4j from 'k6/x/neo4j';

export const options = {
  scenarios: {
    lookups: { executor: 'shared-iterations', vus: 5, iterations: 200, maxDuration: '30s' },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN $i AS i', { i: __ITER }, { tags: { name: 'shared' } });
}
