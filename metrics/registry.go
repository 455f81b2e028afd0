package metrics

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Registry holds the metrics of one test run. There is no process-wide default: the host
// makes one per run and hands it to modules through their init environment.
type Registry struct {
	mu      sync.RWMutex
	metrics map[string]*Metric
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{metrics: make(map[string]*Metric)}
}

// NewMetric returns the metric called name, creating it if it does not exist. Asking again
// with the same type and value type returns the same *Metric; anything else is an error that
// names the metric.
func (r *Registry) NewMetric(name string, typ MetricType, contains ...ValueType) (*Metric, error) {
	if !validMetricNameRE.MatchString(name) {
		// k6's wording ("Invalid metric name: 'x'. Metric names must ..."), wrapping the
		// sentinel so callers can tell this error apart.
		return nil, fmt.Errorf("%w: '%s'. %s", ErrInvalidMetricName, name, badMetricNameText)
	}
	vt := Default
	if len(contains) > 0 {
		vt = contains[0]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.metrics[name]; ok {
		if m.Type != typ || m.Contains != vt {
			return nil, fmt.Errorf("%w: %q is a %s of %s values, asked for a %s of %s values",
				ErrMetricConflict, name, m.Type, m.Contains, typ, vt)
		}
		return m, nil
	}
	m := &Metric{Name: name, Type: typ, Contains: vt}
	r.metrics[name] = m
	return m, nil
}

// Get returns the metric called name, or nil.
func (r *Registry) Get(name string) *Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.metrics[name]
}

// All returns every metric, sorted by name.
func (r *Registry) All() []*Metric {
	r.mu.RLock()
	out := make([]*Metric, 0, len(r.metrics))
	for _, m := range r.metrics {
		out = append(out, m)
	}
	r.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Metric) int { return strings.Compare(a.Name, b.Name) })
	return out
}
