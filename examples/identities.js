// identities.js: two users at once. Each identity (user@host:port) gets one driver shared by
// all VUs; the identity tag splits the metrics.
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

export const options = {
  vus: 4,
  iterations: 40,
  thresholds: {
    'neo4j_query_failed{name:whoami}': ['rate==0'],
  },
};

const pw = __ENV.NEO4J_PASSWORD;
const admin = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: pw });
const second = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER2 || 'loadtest2', password: __ENV.NEO4J_PASSWORD2 || pw });

export default function () {
  const who = second.read('SHOW CURRENT USER YIELD user RETURN user', {}, { tags: { name: 'whoami' } });
  const me = admin.read('SHOW CURRENT USER YIELD user RETURN user', {}, { tags: { name: 'whoami' } });
  check(null, {
    'each client runs as its own user': () => who.records[0].user === (__ENV.NEO4J_USER2 || 'loadtest2') &&
      me.records[0].user === (__ENV.NEO4J_USER || 'neo4j'),
    'identity names user@host:port': () => second.identity.startsWith('loadtest2@'),
  });
}
