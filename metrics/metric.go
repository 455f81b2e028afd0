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

// k6 accepts letters, digits, underscores and a few punctuation marks, 1 to 128 characters.
var metricNameRE = regexp.MustCompile(`^[\p{L}\p{N}\._ !\?/&#\(\)<>%-]{1,128}$`)

// ErrInvalidMetricName is returned for a name outside the allowed alphabet or length.
var ErrInvalidMetricName = fmt.Errorf("invalid metric name")

// ErrMetricConflict is returned when a name is registered again with another type.
var ErrMetricConflict = fmt.Errorf("metric already registered with another type")
