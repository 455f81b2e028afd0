// Package dashboard is the web dashboard: a live page that follows the run while it goes,
// and a self-contained HTML report written when it ends, in the spirit of k6's web dashboard
// (same environment variables) but our own design and code.
//
// # What it shows
//
// Tiles with the run's totals (queries, failed queries, the slowest p95, VUs, iterations,
// checks, thresholds); the thresholds, each green or red as it passes or fails right now;
// charts over time of queries per second (all and per query name), p95 latency per query
// name, failed queries per second by Neo4j error code, VUs, iterations per second and checks
// per second; a small chart per query name with its p50, p95 and p99; and the tables: per
// query (name, mode, count, failures, rate, avg, p50, p95, p99, max, the numbers the text
// summary prints), errors by code with the queries that failed with each, and checks.
//
// With the module's server sampler on (connect()'s serverMetrics), a Server panel shows the
// server's CPU, heap, running transactions and GC time beside the client's latency and
// throughput, on the same time axis; without server readings there is no panel. With
// Config.RunInfo (the module's RunReport), the header names the servers tested (agent,
// edition, address, database and whether it is the default) and each query's row of the
// table opens onto its plan (EXPLAIN: operators, details, estimated rows, identifiers) and,
// when profiled, the slowest profiled call's plan with each operator's db hits and rows.
// The live page and the report draw the same snapshot with the same code. A link to the
// page with #plans opens every plan.
//
// # Aggregation
//
// Output is an output.Output. AddSamples folds each sample, under a short lock, into time
// buckets one Period long (1 s by default) and into run-wide tables; nothing is kept per
// sample. Queries are counted from neo4j_query_duration, which the module emits once per query
// with every tag (status, error_code), exactly as the engine's per-query table counts them;
// vus, iterations, dropped_iterations and checks feed their own series. The server sampler's
// neo4j_server_cpu, _heap_used_bytes, _heap_max_bytes and _transactions_running (gauges: a
// bucket keeps its largest reading, so merged buckets keep the peaks) and _gc_seconds (a
// counter of GC seconds since the previous reading: a bucket adds them up with the wall time
// they cover, and the page shows milliseconds of GC per second) feed the Server panel, one
// series per identity tag, at most four, the rest drawn together as "(other)". Every other
// metric is ignored. Latency percentiles per bucket come from a mergeable log histogram accurate to 1%
// (see hist); the table's come from metrics.TrendSink, like the text summary's.
//
// The timeline keeps at most MaxBuckets buckets (600): a longer run merges older neighbours,
// so the newest stretch stays at full resolution and resolution halves going back in time
// (see timeline). Query names and error codes past MaxSeries (20) fold into "(other)". Memory
// is therefore bounded whatever the run's length and however its queries are named.
//
// # Pages
//
// The live page is served on Host:Port (127.0.0.1:5665; port 0 picks a free one, reported by
// URL and Description; -1 serves nothing): GET / is the page, GET /api/snapshot the Snapshot
// as JSON, which the page polls once a Period, GET /report the report of the run so far. The
// page is a single document, its stylesheet and script (embedded in the binary) inline; the
// charts are SVG drawn by that script, no library, no network access but the snapshot.
// Stop writes the report to Export: the same page with the final snapshot embedded, drawn
// by the same code, loading nothing. Everything from the script and the server (names,
// codes, plan details) is set as text, never parsed as HTML, and its control characters
// are made visible escapes before it reaches the page.
//
// # Settings
//
// k6's environment variables: K6_WEB_DASHBOARD=true turns it on (as does
// K6_WEB_DASHBOARD_EXPORT; see Enabled), K6_WEB_DASHBOARD_HOST, K6_WEB_DASHBOARD_PORT,
// K6_WEB_DASHBOARD_PERIOD (k6's default is 10s, ours 1s), K6_WEB_DASHBOARD_EXPORT;
// K6_WEB_DASHBOARD_OPEN is accepted and ignored. `--out web-dashboard=port=0&export=r.html`
// takes the same settings (see ParseConfig).
//
// # Concurrency
//
// AddSamples, the HTTP handlers, Snapshot and Stop may be called from any goroutines. The
// lock is held to aggregate a batch (~30 ns a sample) or to copy the numbers out for a
// snapshot; encoding and the Thresholds callback run outside it.
package dashboard
