package execution

import (
	"context"
	"sync/atomic"
)

// sharedIterations: vus VUs share a fixed number of iterations, within maxDuration.
func (r *scenarioRun) sharedIterations(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.MaxDuration.D())
	defer done()
	var left atomic.Int64
	left.Store(*sc.Iterations)
	return r.withVUs(*sc.VUs, func(_ int64, vu VU) {
		for runCtx.Err() == nil && left.Add(-1) >= 0 {
			if !r.iterate(hardCtx, vu) {
				return
			}
		}
	})
}

// perVUIterations: each of vus VUs runs iterations iterations, within maxDuration.
func (r *scenarioRun) perVUIterations(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.MaxDuration.D())
	defer done()
	return r.withVUs(*sc.VUs, func(_ int64, vu VU) {
		for i := int64(0); i < *sc.Iterations && runCtx.Err() == nil; i++ {
			if !r.iterate(hardCtx, vu) {
				return
			}
		}
	})
}

// constantVUs: vus VUs loop for duration.
func (r *scenarioRun) constantVUs(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	runCtx, hardCtx, done := r.deadlines(graceful, hard, sc.Duration.D())
	defer done()
	return r.withVUs(*sc.VUs, func(_ int64, vu VU) {
		for runCtx.Err() == nil {
			if !r.iterate(hardCtx, vu) {
				return
			}
		}
	})
}
