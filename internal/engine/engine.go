// Package engine aggregates a run's samples: one sink per metric, the checks by name, and
// the per-query table (name and mode) that Locust users read first. One goroutine ingests
// what every VU pushes; readers take the lock. Each output gets the samples through a
// bounded queue and a goroutine of its own, so a slow or stuck output never slows the
// ingestion, the other outputs or the VUs: what its queue cannot hold is dropped and counted.
package engine

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Output receives every sample the run produces, in batches, from a goroutine of its own.
type Output interface {
	AddSamples(batch []metrics.SampleContainer)
}

// Caps on the distinct rows of the per-query table and of the checks; names past them are
// counted under metrics.Other, so a script naming queries or checks after their parameters
// keeps the summary and the memory bounded.
const (
	MaxQueryNames = metrics.MaxDistinctValues
	MaxChecks     = metrics.MaxDistinctValues
	// maxModes bounds the modes of the per-query table; the module has three.
	maxModes = 16
)

// Engine is the run's metrics engine.
type Engine struct {
	in        chan metrics.SampleContainer
	stop      chan struct{} // closed by Stop; the input channel is never closed (see Stop)
	done      chan struct{} // closed when everything pushed before Stop is ingested and handed on
	stopOnce  sync.Once
	ranFor    atomic.Int64 // the run's duration, set by Stop
	started   atomic.Bool
	closed    chan struct{} // closed by Close: ends the goroutine that drops late samples
	closeOnce sync.Once
	outputs   []*outQueue
	logger    *slog.Logger
	late      atomic.Uint64 // samples pushed after Stop, dropped

	// OutputStopTimeout is how long Stop waits for the outputs to take what is queued for
	// them; an output still busy then is left behind and the rest of its queue counted as
	// dropped. Set before Stop; zero is 5s.
	OutputStopTimeout time.Duration

	mu          sync.Mutex
	sinks       map[*metrics.Metric]metrics.Sink
	checks      map[checkKey]*Check
	queries     map[QueryKey]*Query
	queryNames  map[string]struct{}
	queryModes  map[string]struct{}
	capWarnings map[string]bool
	start       time.Time

	thresholds     map[*metrics.Metric][]*thresholdSet
	thresholdOrder []*thresholdSet

	// systemTags drops switched-off system tags (k6's systemTags option) from what
	// thresholds and outputs see; see SetSystemTags.
	systemTags sysTagFilter
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
	e := &Engine{
		in: make(chan metrics.SampleContainer, buffer), stop: make(chan struct{}), done: make(chan struct{}),
		closed: make(chan struct{}),
		logger: slog.New(slog.DiscardHandler),
		sinks:  map[*metrics.Metric]metrics.Sink{}, checks: map[checkKey]*Check{}, queries: map[QueryKey]*Query{},
		queryNames: map[string]struct{}{}, queryModes: map[string]struct{}{}, capWarnings: map[string]bool{},
	}
	for _, o := range outputs {
		e.AddOutput(o)
	}
	return e
}

// SetLogger sets where the engine's warnings go (a dropping output, a folded name); call
// before Start. Without one they are discarded.
func (e *Engine) SetLogger(l *slog.Logger) {
	if l != nil {
		e.logger = l
	}
}

// AddOutput adds an output; call before Start.
func (e *Engine) AddOutput(o Output) { e.outputs = append(e.outputs, newOutQueue(o)) }

// In is where VUs push samples. It stays open for the life of the process: a sample pushed
// after Stop (a check() in handleSummary) is dropped and counted, never a panic.
func (e *Engine) In() chan<- metrics.SampleContainer { return e.in }

// Start begins ingesting; the run's clock starts here.
func (e *Engine) Start() {
	e.start = time.Now()
	e.started.Store(true)
	for _, q := range e.outputs {
		go q.run()
	}
	go e.ingest()
}

// Stop ingests everything pushed before it was called, hands it to the outputs and waits
// (at most OutputStopTimeout) until each has taken its queue. It may be called more than
// once. Producers may still push afterwards: the input channel is not closed, because VUs
// hold it and a send on a closed channel panics; what comes later is drained, dropped and
// counted (LateSamples) until Close. Without Start it does nothing.
func (e *Engine) Stop() {
	if !e.started.Load() {
		return
	}
	e.stopOnce.Do(func() {
		e.EndClock()
		close(e.stop)
	})
	<-e.done
}

// EndClock ends the run's duration (Elapsed) now, if it has not ended already, while the
// engine goes on ingesting: what comes after the test itself (making handleSummary's VU,
// which runs the init code again) must not dilute the summary's per-second rates.
func (e *Engine) EndClock() {
	if e.started.Load() {
		e.ranFor.CompareAndSwap(0, max(int64(time.Since(e.start)), 1))
	}
}

// Close stops the engine (see Stop) and ends its last goroutine, the one that drops late
// samples: call it when no VU is left to push (after handleSummary). A sample pushed after
// Close waits in the channel's buffer and is never read. It may be called more than once.
func (e *Engine) Close() {
	e.Stop()
	e.closeOnce.Do(func() { close(e.closed) })
}

// LateSamples is how many samples were pushed after Stop and dropped.
func (e *Engine) LateSamples() uint64 { return e.late.Load() }

// Elapsed is the run's duration so far; from Stop on, the duration up to Stop, so the
// summary's per-second rates do not count the time the outputs took to finish.
func (e *Engine) Elapsed() time.Duration {
	if d := e.ranFor.Load(); d > 0 {
		return time.Duration(d)
	}
	return time.Since(e.start)
}

// drainEvery is how often the engine collects what VUs pushed. Polling on a timer, rather
// than receiving each container as it comes, means a VU's push never has to wake the
// engine's goroutine: at thousands of queries a second those wake-ups cost more CPU than the
// aggregation itself (see BenchmarkReadQuery). The channel's buffer absorbs the interval.
const drainEvery = 20 * time.Millisecond

func (e *Engine) ingest() {
	batch := make([]metrics.SampleContainer, 0, 1024)
	t := time.NewTicker(drainEvery)
	defer t.Stop()
	stopping := false
	for {
		batch = batch[:0]
	drain:
		for len(batch) < cap(batch) {
			select {
			case c := <-e.in:
				batch = append(batch, c)
			default:
				break drain
			}
		}
		full := len(batch) == cap(batch) // more may be waiting: drain again at once
		if len(batch) > 0 {
			e.flush(batch)
			if len(e.outputs) > 0 {
				// The outputs' queues hold the slice: the next batch needs a new one.
				batch = make([]metrics.SampleContainer, 0, 1024)
			}
		}
		if !full {
			if stopping {
				break // the channel was empty after Stop: everything pushed before it is in
			}
			select {
			case <-t.C:
			case <-e.stop:
				stopping = true
			}
		}
	}
	e.stopOutputs()
	close(e.done)
	// Late samples: keep the channel drained so a late producer never blocks, and count.
	for {
		select {
		case c := <-e.in:
			e.late.Add(uint64(len(c.GetSamples())))
		case <-e.closed:
			return
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
	batch = e.systemTags.batch(batch)
	for _, q := range e.outputs {
		q.offer(batch, e.logger)
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
		if ts.Matches(e.systemTags.tags(s.Tags)) {
			ts.sink.Add(s.Value)
		}
	}
	switch s.Metric.Name {
	case "checks":
		name, _ := s.Tags.Get("check")
		group, _ := s.Tags.Get("group")
		k := checkKey{group, name}
		c := e.checks[k]
		if c == nil && len(e.checks) >= MaxChecks {
			e.warnCap("checks", MaxChecks, "distinct checks (by group and name)", "the checks")
			k = checkKey{"", metrics.Other}
			c = e.checks[k]
		}
		if c == nil {
			c = &Check{Group: k.group, Name: k.name, firstSeenOrder: len(e.checks)}
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
			k.Name = e.capped(e.queryNames, name, MaxQueryNames, "query names", "distinct query names", "the per-query table")
			k.Mode = e.capped(e.queryModes, mode, maxModes, "query modes", "distinct query modes", "the per-query table")
			q = e.queries[k]
		}
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

// capped returns v when it is one of seen or seen has room for it (adding it), else
// metrics.Other, warning once.
func (e *Engine) capped(seen map[string]struct{}, v string, limit int, id, what, where string) string {
	if _, ok := seen[v]; ok || v == metrics.Other {
		return v
	}
	if len(seen) >= limit {
		e.warnCap(id, limit, what, where)
		return metrics.Other
	}
	seen[v] = struct{}{}
	return v
}

func (e *Engine) warnCap(id string, limit int, what, where string) {
	if e.capWarnings[id] {
		return
	}
	e.capWarnings[id] = true
	e.logger.Warn(fmt.Sprintf("more than %d %s: the others are counted together as %q in %s (the metrics keep every sample)",
		limit, what, metrics.Other, where))
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
