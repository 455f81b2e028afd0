package execution

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// sharedIterations: vus VUs share a fixed number of iterations, within maxDuration. An execution
// segment runs its part of the VUs and of the iterations, shared in proportion to its VUs.
func (r *scenarioRun) sharedIterations(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.MaxDuration.D())
	defer done()
	var left atomic.Int64
	left.Store(r.progress.iterations.Scale(*sc.Iterations))
	err := r.withVUs(r.scale(*sc.VUs), func(_ int64, vu VU) {
		for runCtx.Err() == nil && left.Add(-1) >= 0 {
			if !r.iterate(hardCtx, vu) {
				return
			}
		}
	})
	// Iterations maxDuration left unstarted are dropped, as k6 counts them.
	r.dropUnstarted(graceful, left.Load())
	return err
}

// dropUnstarted counts n iterations that the scenario's maxDuration left unstarted (not
// those a Ctrl-C or an abort stopped) as dropped_iterations.
func (r *scenarioRun) dropUnstarted(graceful context.Context, n int64) {
	if n <= 0 || graceful.Err() != nil {
		return
	}
	r.progress.Dropped.Add(n)
	metrics.PushIfNotDone(context.Background(), r.sched.Samples, metrics.Sample{
		Metric: r.sched.Builtin.DroppedIterations, Tags: r.tags, Time: time.Now(), Value: float64(n),
	})
}

// perVUIterations: each of vus VUs runs iterations iterations, within maxDuration.
func (r *scenarioRun) perVUIterations(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.MaxDuration.D())
	defer done()
	var unstarted atomic.Int64
	err := r.withVUs(r.scale(*sc.VUs), func(_ int64, vu VU) {
		i := int64(0)
		for ; i < *sc.Iterations && runCtx.Err() == nil; i++ {
			if !r.iterate(hardCtx, vu) {
				i++
				break
			}
		}
		unstarted.Add(*sc.Iterations - i)
	})
	r.dropUnstarted(graceful, unstarted.Load())
	return err
}

// constantVUs: vus VUs loop for duration.
func (r *scenarioRun) constantVUs(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.Duration.D())
	defer done()
	return r.withVUs(r.scale(*sc.VUs), func(_ int64, vu VU) {
		for runCtx.Err() == nil {
			if !r.iterate(hardCtx, vu) {
				return
			}
		}
	})
}
