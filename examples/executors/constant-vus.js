// constant-vus: 3 VUs loop for 5 seconds, each iteration a read and a 100 ms think time.
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    steady: { executor: 'constant-vus', vus: 3, duration: '5s' },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'steady' } });
  sleep(0.1);
}
