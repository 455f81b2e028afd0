// locust.js: two Locust user classes for `xk6-neo4j worker`. A Locust master (locust/master)
// decides how many users of each class run; each ReadUser loops readUser(), each WriteUser
// loops writeUser() (a class runs the export named like it, in any case, else the default
// function). Every query reaches the master as a request: method = read/write, name = the
// name tag.
//
//   locust/master --headless -u 20 -r 10 -t 1m --expect-workers 2
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... xk6-neo4j worker --master 127.0.0.1:5557 examples/locust.js
//
// Run alone (`xk6-neo4j run examples/locust.js`) the default function plays one of each.
import neo4j from 'k6/x/neo4j';
import { check, sleep } from 'k6';

// Like a Locust user's wait_time: each user pauses this long (seconds) between iterations.
const THINK = Number(__ENV.THINK_TIME || '0.1');
const PEOPLE = 100;

// Init context: every VU connects; they all share one driver for this identity.
const db = neo4j.connect(__ENV.NEO4J_URI || 'bolt://127.0.0.1:7687', {
  user: __ENV.NEO4J_USER || 'neo4j',
  password: __ENV.NEO4J_PASSWORD,
});

// Runs once on each worker when a test starts there.
export function setup() {
  db.write(
    'UNWIND range(1, $n) AS id MERGE (p:Person {id: id}) SET p.name = "person-" + id',
    { n: PEOPLE },
    { tags: { name: 'seed-people' } },
  );
  return { people: PEOPLE };
}

function someone(data) {
  return Math.floor(Math.random() * data.people) + 1;
}

// The ReadUser class.
export function readUser(data) {
  const id = someone(data);
  const r = db.read('MATCH (p:Person {id: $id}) RETURN p.name AS name', { id }, { tags: { name: 'person-by-id' } });
  check(r, { 'found the person': (r) => r.count === 1 && r.records[0].name === `person-${id}` });
  sleep(THINK);
}

// The WriteUser class.
export function writeUser(data) {
  const id = someone(data);
  db.write('MATCH (p:Person {id: $id}) SET p.visits = coalesce(p.visits, 0) + 1', { id }, { tags: { name: 'count-visit' } });
  sleep(THINK);
}

export default function (data) {
  readUser(data);
  writeUser(data);
}
