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
	return &m, err
}
