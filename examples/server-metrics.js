// server-metrics.js: a write load, with the server's own metrics read every second beside the
// client's. Ten VUs update their own 20 nodes for fifteen seconds; meanwhile a sampler (one per identity, off by
// default) asks the server for its CPU, heap, garbage collection, threads and running
// transactions, so that a latency spike can be set against what the server was doing.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... xk6-neo4j run examples/server-metrics.js
//
// The readings are the neo4j_server_* metrics (gauges, and counters of what changed since the
// previous reading), tagged with identity and db; they go to every output (--out json, csv,
// experimental-prometheus-rw), the dashboard and the report, and never count as queries.
import neo4j from 'k6/x/neo4j';

export const options = {
  vus: 10,
  duration: '15s',
  thresholds: {
    // The client's view: writes stay fast...
    'neo4j_query_duration{name:count-up}': ['p(95)<1000'],
    // ...and the server's: less than ten seconds of the run spent collecting garbage in all,
    neo4j_server_gc_seconds: ['count<10'],
    // and at the last reading no transaction had been running for 5 s or more (a gauge's
    // threshold sees its last value).
    neo4j_server_transaction_longest: ['value<5000'],
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI || 'bolt://127.0.0.1:7687', {
  user: __ENV.NEO4J_USER || 'neo4j',
  password: __ENV.NEO4J_PASSWORD,
  // A reading a second; at least 100ms, 0 (the default) for none. The sampler runs on its
  // own session of this identity's driver and skips a reading while every connection of the
  // pool is taken by the VUs.
  serverMetrics: '1s',
});

export default function () {
  db.write(
    'UNWIND range(1, 20) AS i MERGE (c:ServerMetricsCounter {vu: $vu, i: i}) SET c.n = coalesce(c.n, 0) + 1, c.at = datetime()',
    { vu: __VU },
    { tags: { name: 'count-up' } },
  );
}

export function teardown() {
  db.run('MATCH (c:ServerMetricsCounter) DELETE c', {}, { tags: { name: 'clean-up' } });
}
