// note: a wrong password stops the run at init with exit 107 and never prints the password.
// needs: neo4j
// expect-exit: 107
// expect-stderr: neo4j@127.0.0.1
import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD + '-wrong' });
export default function () {}
