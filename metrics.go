package neo4j

import (
	"fmt"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// moduleMetrics are the metrics the README's Metrics table promises; the summary, thresholds and outputs
// rely on their names and types.
type moduleMetrics struct {
	QueryDuration  *metrics.Metric
	ServerDuration *metrics.Metric
	Queries        *metrics.Metric
	QueryFailed    *metrics.Metric
	Records        *metrics.Metric
	TxDuration     *metrics.Metric
	TxRetries      *metrics.Metric

	// The server sampler's readings (the serverMetrics option), see sampler.go.
	Server serverMetrics
}

// serverMetrics are the server sampler's metrics: gauges of the latest reading, and counters
// of what changed since the previous one.
type serverMetrics struct {
	CPU             *metrics.Metric // ProcessCpuLoad: the server's JVM, 0..1 of all its CPUs
	HeapUsed        *metrics.Metric
	HeapMax         *metrics.Metric
	GCSeconds       *metrics.Metric // Counter: seconds spent collecting garbage
	GCCount         *metrics.Metric // Counter: collections
	Threads         *metrics.Metric
	TxRunning       *metrics.Metric
	TxLongest       *metrics.Metric // the longest running transaction's elapsed time
	PageCacheHits   *metrics.Metric // Counter; Enterprise only
	PageCacheFaults *metrics.Metric // Counter; Enterprise only
	CommittedTxs    *metrics.Metric // Counter; Enterprise only
}

func registerMetrics(r *metrics.Registry) (*moduleMetrics, error) {
	var m moduleMetrics
	var err error
	reg := func(dst **metrics.Metric, name string, t metrics.MetricType, vt ...metrics.ValueType) {
		if err != nil {
			return
		}
		if *dst, err = r.NewMetric(name, t, vt...); err != nil {
			err = fmt.Errorf("registering %s: %w", name, err)
		}
	}
	reg(&m.QueryDuration, "neo4j_query_duration", metrics.Trend, metrics.Time)
	reg(&m.ServerDuration, "neo4j_server_duration", metrics.Trend, metrics.Time)
	reg(&m.Queries, "neo4j_queries", metrics.Counter)
	reg(&m.QueryFailed, "neo4j_query_failed", metrics.Rate)
	reg(&m.Records, "neo4j_records", metrics.Counter)
	reg(&m.TxDuration, "neo4j_tx_duration", metrics.Trend, metrics.Time)
	reg(&m.TxRetries, "neo4j_tx_retries", metrics.Counter)
	sm := &m.Server
	reg(&sm.CPU, "neo4j_server_cpu", metrics.Gauge)
	reg(&sm.HeapUsed, "neo4j_server_heap_used_bytes", metrics.Gauge, metrics.Data)
	reg(&sm.HeapMax, "neo4j_server_heap_max_bytes", metrics.Gauge, metrics.Data)
	reg(&sm.GCSeconds, "neo4j_server_gc_seconds", metrics.Counter)
	reg(&sm.GCCount, "neo4j_server_gc_count", metrics.Counter)
	reg(&sm.Threads, "neo4j_server_threads", metrics.Gauge)
	reg(&sm.TxRunning, "neo4j_server_transactions_running", metrics.Gauge)
	reg(&sm.TxLongest, "neo4j_server_transaction_longest", metrics.Gauge, metrics.Time)
	reg(&sm.PageCacheHits, "neo4j_server_page_cache_hits", metrics.Counter)
	reg(&sm.PageCacheFaults, "neo4j_server_page_cache_faults", metrics.Counter)
	reg(&sm.CommittedTxs, "neo4j_server_transactions_committed", metrics.Counter)
	return &m, err
}
