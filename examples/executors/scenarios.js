// scenarios: a writer and a reader side by side, the reader starting later; each scenario
// runs its own exported function with its own env and tags. VUs freed by the first scenario
// serve the third.
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

export const options = {
  scenarios: {
    writers: { executor: 'shared-iterations', vus: 2, iterations: 40, maxDuration: '3s', gracefulStop: '0s', exec: 'write', tags: { role: 'writer' } },
    readers: { executor: 'constant-vus', vus: 2, duration: '2s', startTime: '500ms', exec: 'read', env: { LABEL: 'ScenarioDemo' } },
    cleanup: { executor: 'shared-iterations', vus: 1, iterations: 1, startTime: '4s', exec: 'cleanup' },
  },
  thresholds: {
    'neo4j_query_duration{role:writer}': ['p(95)<2000'],
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export function write() {
  db.write('CREATE (:ScenarioDemo {at: timestamp()})', {}, { tags: { name: 'create' } });
}

export function read() {
  const r = db.read(`MATCH (n:${__ENV.LABEL}) RETURN count(n) AS n`, {}, { tags: { name: 'count' } });
  check(r, { 'readers see the writers': (r) => r.records[0].n > 0 });
}

export function cleanup() {
  db.run('MATCH (n:ScenarioDemo) DELETE n', {}, { tags: { name: 'cleanup' } });
}
