// Package metrics is the contract between xk6-neo4j's host and its extensions for everything
// measured: metric definitions, the per-run registry, tags, samples and the sinks that
// aggregate them.
//
// # Model
//
// A [Metric] is a named series of one [MetricType] (Counter, Gauge, Rate, Trend) whose values
// are of one [ValueType] (plain numbers, times in milliseconds, bytes). Metrics are created
// through the run's [Registry]; creating the same name twice with the same type returns the
// same metric, with a different type it is an error naming the metric.
//
// A [Sample] is one measured value of one metric at one time with a [TagSet]. VUs push
// [SampleContainer]s into a channel; the host's engine feeds them into sinks, thresholds and
// outputs.
//
// # Thread safety
//
// Registry and TagSet are safe for concurrent use. Sinks are not: the engine owns them and
// serialises access.
package metrics
