// Package engine aggregates a run's samples: one sink per metric, the checks by name, and
// the per-query table (name and mode) that Locust users read first. One goroutine ingests
// what every VU pushes; readers take the lock.
package engine

import (
	"sort"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Output receives every sample the run produces, in batches, from the ingesting goroutine.
type Output interface {
	AddSamples(batch []metrics.SampleContainer)
}

// Engine is the run's metrics engine.
type Engine struct {
	in      chan metrics.SampleContainer
	done    chan struct{}
	outputs []Output

	mu      sync.Mutex
	sinks   map[*metrics.Metric]metrics.Sink
	checks  map[checkKey]*Check
	queries map[QueryKey]*Query
	start   time.Time

	thresholds     map[*metrics.Metric][]*thresholdSet
	thresholdOrder []*thresholdSet
}

type checkKey struct{ group, name string }

// Check is one named check's tally.
type Check struct {
	Group, Name    string
	Passes, Fails  uint64
	firstSeenOrder int
}

// QueryKey names a row of the per-query table.
type QueryKey struct{ Name, Mode string }

// Query is one row of the per-query table.
type Query struct {
	QueryKey
	Count, Failures uint64
	Duration        *metrics.TrendSink
}

// New returns an engine whose input channel holds buffer containers.
func New(buffer int, outputs ...Output) *Engine {
	return &Engine{
		in: make(chan metrics.SampleContainer, buffer), done: make(chan struct{}), outputs: outputs,
		sinks: map[*metrics.Metric]metrics.Sink{}, checks: map[checkKey]*Check{}, queries: map[QueryKey]*Query{},
	}
}

// AddOutput adds an output; call before Start.
func (e *Engine) AddOutput(o Output) { e.outputs = append(e.outputs, o) }

// In is where VUs push samples.
func (e *Engine) In() chan<- metrics.SampleContainer { return e.in }

// Start begins ingesting; the run's clock starts here.
func (e *Engine) Start() {
	e.start = time.Now()
	go e.ingest()
}

// Stop closes the input after every producer has stopped and waits until all is ingested.
func (e *Engine) Stop() {
	close(e.in)
	<-e.done
}

// Elapsed is the run's duration so far.
func (e *Engine) Elapsed() time.Duration { return time.Since(e.start) }

// drainEvery is how often the engine collects what VUs pushed. Polling on a timer, rather
// than receiving each container as it comes, means a VU's push never has to wake the
// engine's goroutine: at thousands of queries a second those wake-ups cost more CPU than the
// aggregation itself (see BenchmarkReadQuery). The channel's buffer absorbs the interval.
const drainEvery = 20 * time.Millisecond

func (e *Engine) ingest() {
	defer close(e.done)
	batch := make([]metrics.SampleContainer, 0, 1024)
	t := time.NewTicker(drainEvery)
	defer t.Stop()
	for {
		batch = batch[:0]
		open := true
	drain:
		for len(batch) < cap(batch) {
			select {
			case c, ok := <-e.in:
				if !ok {
					open = false
					break drain
				}
				batch = append(batch, c)
			default:
				break drain
			}
		}
		if len(batch) > 0 {
			e.flush(batch)
		}
		if !open {
			return
		}
		if len(batch) < cap(batch) {
			<-t.C
		}
	}
}

func (e *Engine) flush(batch []metrics.SampleContainer) {
	e.mu.Lock()
	for _, sc := range batch {
		for _, s := range sc.GetSamples() {
			e.add(s)
		}
	}
	e.mu.Unlock()
	for _, o := range e.outputs {
		o.AddSamples(batch)
	}
}

func (e *Engine) add(s metrics.Sample) {
	sink, ok := e.sinks[s.Metric]
	if !ok {
		sink = metrics.NewSink(s.Metric.Type)
		e.sinks[s.Metric] = sink
	}
	sink.Add(s.Value)
	for _, ts := range e.thresholds[s.Metric] {
		if ts.Matches(s.Tags) {
			ts.sink.Add(s.Value)
		}
	}
	switch s.Metric.Name {
	case "checks":
		name, _ := s.Tags.Get("check")
		group, _ := s.Tags.Get("group")
		k := checkKey{group, name}
		c := e.checks[k]
		if c == nil {
			c = &Check{Group: group, Name: name, firstSeenOrder: len(e.checks)}
			e.checks[k] = c
		}
		if s.Value != 0 {
			c.Passes++
		} else {
			c.Fails++
		}
	case "neo4j_query_duration":
		name, _ := s.Tags.Get("name")
		mode, _ := s.Tags.Get("mode")
		k := QueryKey{name, mode}
		q := e.queries[k]
		if q == nil {
			q = &Query{QueryKey: k, Duration: metrics.NewTrendSink()}
			e.queries[k] = q
		}
		q.Count++
		if st, _ := s.Tags.Get("status"); st != "ok" {
			q.Failures++
		}
		q.Duration.Add(s.Value)
	}
}

// MetricValues is one metric's aggregate at the time of the call.
type MetricValues struct {
	Metric *metrics.Metric
	Values map[string]float64
	Count  uint64
}

// Snapshot returns every metric that has samples, by name, with its values.
func (e *Engine) Snapshot(trendStats []string) []MetricValues {
	e.mu.Lock()
	defer e.mu.Unlock()
	el := e.Elapsed()
	out := make([]MetricValues, 0, len(e.sinks))
	for m, s := range e.sinks {
		out = append(out, MetricValues{Metric: m, Values: metrics.Values(s, el, trendStats), Count: s.Count()})
	}
	// Submetrics that thresholds select show under their metric, named by their selector.
	for _, ts := range e.thresholdOrder {
		if ts.Filter.Len() > 0 {
			sub := *ts.metric
			sub.Name = ts.Key
			out = append(out, MetricValues{Metric: &sub, Values: metrics.Values(ts.sink, el, trendStats), Count: ts.sink.Count()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Metric.Name < out[j].Metric.Name })
	return out
}

// Checks returns the checks in the order they were first seen.
func (e *Engine) Checks() []Check {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Check, 0, len(e.checks))
	for _, c := range e.checks {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].firstSeenOrder < out[j].firstSeenOrder })
	return out
}

// QueryRow is a row of the per-query table.
type QueryRow struct {
	QueryKey
	Count, Failures         uint64
	Avg, P50, P95, P99, Max float64
}

// Queries returns the per-query table, busiest first.
func (e *Engine) Queries() []QueryRow {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]QueryRow, 0, len(e.queries))
	for _, q := range e.queries {
		d := q.Duration
		out = append(out, QueryRow{QueryKey: q.QueryKey, Count: q.Count, Failures: q.Failures,
			Avg: d.Avg(), P50: d.P(0.5), P95: d.P(0.95), P99: d.P(0.99), Max: d.Max()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}
