// dumbuser.js: the xk6-neo4j side of bench/locust/compare, the DumbUser class of
// bench/locust/dumbuser.py: the same read, no think time.
import neo4j from 'k6/x/neo4j';

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export function dumbUser() {
  db.read("UNWIND ['Hello', 'World'] AS x RETURN x", {}, { tags: { name: 'hello-world (xk6-neo4j)' } });
}
