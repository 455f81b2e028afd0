package execution

import (
	"context"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// rampingVUs: the number of looping VUs starts at startVUs and follows each stage's line to
// its target. VUs over a falling target start no new iteration and get gracefulRampDown to
// finish the one they run; at the end of the last stage, gracefulStop applies as for the
// other executors.
func (r *scenarioRun) rampingVUs(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	steps, total := rampingVUSteps(*sc.StartVUs, sc.Stages)
	steps = segmentVUSteps(*sc.StartVUs, steps, r.sched.segment)
	start := time.Now()
	runCtx, hardCtx, done := r.deadlines(graceful, hard, total)
	defer done()
	vus, err := r.takeVUs(sc.PeakVUsIn(r.sched.segment))
	if err != nil {
		return err
	}
	defer r.sched.VUs.Return(vus)

	set := newLoopingVUs(r, runCtx, hardCtx, vus, sc.GracefulRampDown.D())
	if err := set.setTarget(int(r.scale(*sc.StartVUs))); err != nil {
		return err
	}
	set.start()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
steps:
	for _, st := range steps {
		if st.at >= total {
			break // the end of the scenario takes over: gracefulStop, not gracefulRampDown
		}
		if wait := time.Until(start.Add(st.at)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-runCtx.Done():
				break steps
			case <-hardCtx.Done():
				break steps
			}
		}
		if runCtx.Err() != nil || hardCtx.Err() != nil {
			break
		}
		_ = set.setTarget(int(st.vus)) // within [0, PeakVUsIn] by construction
	}
	// The scenario lasts its stages even when no VU is left looping.
	select {
	case <-runCtx.Done():
	case <-hardCtx.Done():
	}
	set.wait()
	return nil
}

// vuStep is a change of the number of looping VUs, at an offset from the scenario's start.
type vuStep struct {
	at  time.Duration
	vus int64
}

// rampingVUSteps turns stages into the times at which the VU count changes, and returns the
// stages' total duration.
//
// A stage ramps linearly from the previous count a to its target b over d: the count is
// a + (b-a)·t/d, cut toward a, so it changes by one each time the line crosses a whole
// number, at t = d·k/|b-a| for k = 1..|b-a|. Going from 0 to 10 VUs over 10s adds a VU at
// 1s, 2s, ... 10s; going down removes one at the same marks. A stage of zero duration jumps
// straight to its target.
func rampingVUSteps(startVUs int64, stages []options.Stage) ([]vuStep, time.Duration) {
	var steps []vuStep
	var at time.Duration
	cur := startVUs
	for _, st := range stages {
		d := st.Duration.D()
		delta := st.Target - cur
		switch {
		case delta == 0:
		case d == 0:
			steps = append(steps, vuStep{at: at, vus: st.Target})
		default:
			dir, n := int64(1), delta
			if delta < 0 {
				dir, n = -1, -delta
			}
			for k := int64(1); k <= n; k++ {
				off, _ := mulDiv(k, d, n) // k <= n, so it is at most d
				steps = append(steps, vuStep{at: at + off, vus: cur + dir*k})
			}
		}
		at += d
		cur = st.Target
	}
	return steps, at
}
