// ramping-vus: from 0 to 6 VUs in 2 s, hold 2 s, back to 0 in 2 s.
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '2s', target: 6 },
        { duration: '2s', target: 6 },
        { duration: '2s', target: 0 },
      ],
      gracefulRampDown: '1s',
    },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'ramp' } });
  sleep(0.1);
}
