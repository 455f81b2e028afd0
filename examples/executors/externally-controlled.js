// externally-controlled: 2 VUs (at most 10) loop for 4 s; the number can be changed while
// the test runs by whatever controls it (here nothing does).
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    manual: { executor: 'externally-controlled', vus: 2, maxVUs: 10, duration: '4s' },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'manual' } });
  sleep(0.1);
}
