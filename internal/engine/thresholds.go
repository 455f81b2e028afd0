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
