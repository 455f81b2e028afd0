// tls.js: Bolt over TLS. bolt+s:// and neo4j+s:// verify the server's certificate (against
// the system's CAs, or caFile); bolt+ssc:// and neo4j+ssc:// accept a self-signed one.
//
//   NEO4J_TLS_URI=bolt+s://localhost:7687 NEO4J_CA_FILE=ca.crt NEO4J_PASSWORD=... xk6-neo4j run examples/tls.js
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

export const options = { iterations: 10 };

const verified = neo4j.connect(__ENV.NEO4J_TLS_URI, {
  password: __ENV.NEO4J_PASSWORD,
  caFile: __ENV.NEO4J_CA_FILE,
});
const selfSigned = neo4j.connect(__ENV.NEO4J_TLS_URI.replace('+s://', '+ssc://'), { password: __ENV.NEO4J_PASSWORD });

export default function () {
  check(verified.read('RETURN 1 AS one', {}, { tags: { name: 'verified' } }), { 'verified TLS': (r) => r.records[0].one === 1 });
  check(selfSigned.read('RETURN 1 AS one', {}, { tags: { name: 'self-signed' } }), { 'self-signed TLS': (r) => r.records[0].one === 1 });
}
