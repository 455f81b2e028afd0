// bench/mem.js: what bench/vu-memory runs in every VU: the module imported, a sleep.
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';

export default function () {
  sleep(1);
}
