// ramping-arrival-rate: the rate climbs from 0 to 100 iterations a second over 3 s, holds
// for 3 s, and falls to 0 over 2 s: 150 + 300 + 100 = 550 iterations.
import neo4j from 'k6/x/neo4j';

export const options = {
  scenarios: {
    rising: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 10,
      maxVUs: 40,
      stages: [
        { duration: '3s', target: 100 },
        { duration: '3s', target: 100 },
        { duration: '2s', target: 0 },
      ],
    },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'rising' } });
}
