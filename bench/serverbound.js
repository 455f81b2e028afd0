// bench/serverbound.js: the JS side of bench/runner-capacity. KIND=trivial reads RETURN $x
// (as bench/read.js); KIND=scan counts the ROWS :CapItem nodes (default 200000) matching
// v % $m = 0, with $m changing every iteration, so each query scans them all on the server.
// setup() seeds the nodes that are missing, in batches; bench/runner-capacity runs it once,
// then measures with --no-setup.
import neo4j from 'k6/x/neo4j';

const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
const KIND = __ENV.KIND || 'trivial';
const ROWS = Number(__ENV.ROWS || 200000);
const BATCH = 20000;

if (KIND !== 'trivial' && KIND !== 'scan') throw new Error(`KIND must be trivial or scan, not ${KIND}`);

export const options = { setupTimeout: '10m' };

export function setup() {
  if (KIND !== 'scan') return;
  const have = db.read('MATCH (n:CapItem) RETURN count(n) AS c', {}, { tags: { name: 'seed-count' } })
    .records[0].c;
  if (have > ROWS) throw new Error(`${have} :CapItem nodes already, more than ROWS=${ROWS}`);
  for (let from = have + 1; from <= ROWS; from += BATCH) {
    db.write('UNWIND range($from, $to) AS i CREATE (:CapItem {v: i})',
      { from, to: Math.min(from + BATCH - 1, ROWS) }, { tags: { name: 'seed' } });
  }
}

export default function () {
  if (KIND === 'trivial') {
    const r = db.read('RETURN $x AS x', { x: 1 });
    if (r.records[0].x !== 1) throw new Error('wrong result');
    return;
  }
  const m = 2 + ((__VU * 31 + __ITER) % 97);
  const r = db.read('MATCH (n:CapItem) WHERE n.v % $m = 0 RETURN count(n) AS c', { m },
    { tags: { name: 'scan' } });
  if (r.records[0].c !== Math.floor(ROWS / m)) throw new Error(`wrong count ${r.records[0].c} for m=${m}`);
}
