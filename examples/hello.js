// hello.js: the first script. Ten VUs for ten seconds read people by id and count visits.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=... xk6-neo4j run examples/hello.js
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

export const options = {
  vus: 10,
  duration: '10s',
};

// Init context: every VU connects; they all share one driver for this identity.
const db = neo4j.connect(__ENV.NEO4J_URI || 'bolt://127.0.0.1:7687', {
  user: __ENV.NEO4J_USER || 'neo4j',
  password: __ENV.NEO4J_PASSWORD,
});

const PEOPLE = 100;

export function setup() {
  const r = db.write(
    'UNWIND range(1, $n) AS id MERGE (p:Person {id: id}) SET p.name = "person-" + id',
    { n: PEOPLE },
    { tags: { name: 'seed-people' } },
  );
  return { seeded: PEOPLE, created: r.summary.counters.nodesCreated };
}

export default function (data) {
  const id = Math.floor(Math.random() * data.seeded) + 1;
  const r = db.read('MATCH (p:Person {id: $id}) RETURN p.name AS name', { id }, { tags: { name: 'person-by-id' } });
  check(r, {
    'found the person': (r) => r.count === 1 && r.records[0].name === `person-${id}`,
  });
  db.write('MATCH (p:Person {id: $id}) SET p.visits = coalesce(p.visits, 0) + 1', { id }, { tags: { name: 'count-visit' } });
}

export function teardown() {
  db.close();
}
