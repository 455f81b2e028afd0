// Package builtin holds the metrics every run has, whatever the script imports, with the
// names and types k6 gives them.
package builtin

import (
	"fmt"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Metrics are the built-in metrics of one run.
type Metrics struct {
	VUs               *metrics.Metric
	VUsMax            *metrics.Metric
	Iterations        *metrics.Metric
	IterationDuration *metrics.Metric
	DroppedIterations *metrics.Metric
	Checks            *metrics.Metric
	GroupDuration     *metrics.Metric
	// IterationFailed is ours, beyond k6: the share of iterations that threw, so "fail if more
	// than 1% of iterations throw" is one threshold.
	IterationFailed *metrics.Metric
	// IterationStartDelay is ours, beyond k6: how late the arrival-rate executors started each
	// iteration against its schedule, so coordinated omission shows instead of hiding.
	IterationStartDelay *metrics.Metric
}

// Register creates the built-in metrics in r.
func Register(r *metrics.Registry) (*Metrics, error) {
	var m Metrics
	for _, d := range []struct {
		dst  **metrics.Metric
		name string
		typ  metrics.MetricType
		vt   metrics.ValueType
	}{
		{&m.VUs, "vus", metrics.Gauge, metrics.Default},
		{&m.VUsMax, "vus_max", metrics.Gauge, metrics.Default},
		{&m.Iterations, "iterations", metrics.Counter, metrics.Default},
		{&m.IterationDuration, "iteration_duration", metrics.Trend, metrics.Time},
		{&m.DroppedIterations, "dropped_iterations", metrics.Counter, metrics.Default},
		{&m.Checks, "checks", metrics.Rate, metrics.Default},
		{&m.GroupDuration, "group_duration", metrics.Trend, metrics.Time},
		{&m.IterationFailed, "iteration_failed", metrics.Rate, metrics.Default},
		{&m.IterationStartDelay, "iteration_start_delay", metrics.Trend, metrics.Time},
	} {
		var err error
		if *d.dst, err = r.NewMetric(d.name, d.typ, d.vt); err != nil {
			return nil, fmt.Errorf("built-in metric %s: %w", d.name, err)
		}
	}
	return &m, nil
}
