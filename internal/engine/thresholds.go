package engine

import (
	"errors"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// thresholdSet is one key of options.thresholds with the sink of the samples it judges: the
// whole metric's, or a submetric's (samples whose tags contain the selector's).
type thresholdSet struct {
	metrics.MetricThresholds
	metric *metrics.Metric
	sink   metrics.Sink
}

// SetThresholds checks the thresholds against the registered metrics (every problem at
// once) and starts feeding their sinks. Call before Start.
func (e *Engine) SetThresholds(ths []metrics.MetricThresholds, reg *metrics.Registry) error {
	var errs []error
	e.thresholds = map[*metrics.Metric][]*thresholdSet{}
	e.thresholdOrder = nil
	for _, mt := range ths {
		m := reg.Get(mt.Metric)
		if m == nil {
			// A threshold on one of k6's own metrics (http_req_duration) is valid in k6
			// even when nothing emits it; it is judged on no samples, as k6 does.
			m = metrics.RegisterK6Builtin(reg, mt.Metric)
		}
		if err := mt.Validate(m); err != nil {
			errs = append(errs, err)
			continue
		}
		ts := &thresholdSet{MetricThresholds: mt, metric: m, sink: metrics.NewSink(m.Type)}
		e.thresholds[m] = append(e.thresholds[m], ts)
		e.thresholdOrder = append(e.thresholdOrder, ts)
	}
	return errors.Join(errs...)
}

// ThresholdResult is one threshold expression's verdict.
type ThresholdResult struct {
	Key       string // metric or submetric, as configured
	Metric    *metrics.Metric
	Threshold metrics.Threshold
	Pass      bool
	Value     float64
	// Abort is set when the threshold failed with abortOnFail past its delayAbortEval.
	Abort bool
}

// EvaluateThresholds judges every threshold on what has been measured so far.
func (e *Engine) EvaluateThresholds() []ThresholdResult {
	e.mu.Lock()
	defer e.mu.Unlock()
	el := e.Elapsed()
	var out []ThresholdResult
	for _, ts := range e.thresholdOrder {
		for _, th := range ts.List {
			pass, v := th.Evaluate(ts.sink, el)
			out = append(out, ThresholdResult{Key: ts.Key, Metric: ts.metric, Threshold: th, Pass: pass, Value: v, Abort: th.Aborts(pass, el)})
		}
	}
	return out
}

// WatchThresholds is used by the host to evaluate abortOnFail thresholds while the test
// runs; it calls abort once with the failing results.
func (e *Engine) WatchThresholds(every time.Duration, stop <-chan struct{}, abort func([]ThresholdResult)) {
	if len(e.thresholdOrder) == 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			var failing []ThresholdResult
			for _, r := range e.EvaluateThresholds() {
				if r.Abort {
					failing = append(failing, r)
				}
			}
			if len(failing) > 0 {
				abort(failing)
				return
			}
		}
	}
}

// SetSystemTags applies k6's systemTags option: the system tags it leaves out are dropped
// from samples before thresholds and outputs see them. The summary's own tables (checks by
// name, the per-query table) still read them. Call before Start.
func (e *Engine) SetSystemTags(st metrics.SystemTags) {
	e.systemTags = sysTagFilter{st: st}
	if !st.IsDefault() {
		e.systemTags.cache = map[*metrics.TagSet]*metrics.TagSet{}
	}
}

// sysTagFilter filters tag sets, caching by pointer: VUs and modules reuse their tag sets
// from sample to sample, so each distinct set is filtered once. It is used only from the
// ingest goroutine.
type sysTagFilter struct {
	st    metrics.SystemTags
	cache map[*metrics.TagSet]*metrics.TagSet // nil when nothing is filtered
}

func (f *sysTagFilter) tags(ts *metrics.TagSet) *metrics.TagSet {
	if f.cache == nil {
		return ts
	}
	if out, ok := f.cache[ts]; ok {
		return out
	}
	if len(f.cache) >= 4096 { // tag sets built from data: keep the cache bounded
		clear(f.cache)
	}
	out := f.st.Filter(ts)
	f.cache[ts] = out
	return out
}

// batch is the batch as outputs get it: itself when nothing is filtered, else a copy with
// each sample's tags filtered.
func (f *sysTagFilter) batch(b []metrics.SampleContainer) []metrics.SampleContainer {
	if f.cache == nil {
		return b
	}
	out := make([]metrics.SampleContainer, 0, len(b))
	for _, sc := range b {
		ss := sc.GetSamples()
		cp := make(metrics.Samples, len(ss))
		for i, s := range ss {
			s.Tags = f.tags(s.Tags)
			cp[i] = s
		}
		out = append(out, cp)
	}
	return out
}
