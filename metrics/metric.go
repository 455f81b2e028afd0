package metrics

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// MetricType says how samples of a metric aggregate.
type MetricType int

// The four metric types of k6's model.
const (
	Counter MetricType = iota // a sum, reported as count and rate per second
	Gauge                     // the last value, with min and max
	Rate                      // the share of non-zero samples
	Trend                     // a distribution: avg, min, med, max, percentiles
)

var metricTypeNames = [...]string{"counter", "gauge", "rate", "trend"}

func (t MetricType) String() string {
	if t < 0 || int(t) >= len(metricTypeNames) {
		return fmt.Sprintf("MetricType(%d)", int(t))
	}
	return metricTypeNames[t]
}

// MarshalJSON writes the lower-case name, as k6's JSON output does.
func (t MetricType) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// ValueType says what the numbers of a metric mean, for formatting.
type ValueType int

// Value types.
const (
	Default ValueType = iota // plain numbers
	Time                     // milliseconds
	Data                     // bytes
)

var valueTypeNames = [...]string{"default", "time", "data"}

func (v ValueType) String() string {
	if v < 0 || int(v) >= len(valueTypeNames) {
		return fmt.Sprintf("ValueType(%d)", int(v))
	}
	return valueTypeNames[v]
}

// MarshalJSON writes the lower-case name, as k6's JSON output does.
func (v ValueType) MarshalJSON() ([]byte, error) { return json.Marshal(v.String()) }

// Metric is the identity of one named series. It carries no values: sinks do.
type Metric struct {
	Name     string
	Type     MetricType
	Contains ValueType
}

// metricNameRE is the alphabet a threshold key's metric name is read in. It is wider than
// what NewMetric registers (validMetricNameRE) so that a key such as "my metric" is
// reported as a metric that does not exist rather than as unreadable text.
var metricNameRE = regexp.MustCompile(`^[\p{L}\p{N}\._ !\?/&#\(\)<>%-]{1,128}$`)

// validMetricNameRE is k6's rule for a metric's name: ASCII letters, digits and
// underscores, starting with a letter or an underscore, 2 to 128 characters. k6 refuses
// everything else when the metric is created (its regex allows one character more than its
// message says; the documented 128 is kept here).
var validMetricNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{1,127}$`)

// badMetricNameText is k6's explanation, word for word, so users find it in k6's docs.
const badMetricNameText = "Metric names must only include up to 128 ASCII letters, numbers, or underscores " +
	"and start with a letter or an underscore."

// ErrInvalidMetricName is returned for a name outside the allowed alphabet or length.
//
//lint:ignore ST1005 k6's capitalised wording, kept so users find it in k6's docs
var ErrInvalidMetricName = fmt.Errorf("Invalid metric name")

// ErrMetricConflict is returned when a name is registered again with another type.
var ErrMetricConflict = fmt.Errorf("metric already registered with another type")
