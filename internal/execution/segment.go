package execution

import (
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// Execution segments (options.Tuple): with --execution-segment this instance runs its part of
// every scenario, and the instances of one sequence together run the whole test. Each executor
// takes its part as k6's does:
//
//   - VU counts (vus, a ramp's targets, preAllocatedVUs, maxVUs) are scaled: the instance owns
//     some of the scenario's numbered VUs, so at every moment of a ramp the instances' counts add
//     up to the test's;
//   - shared-iterations shares its iterations in proportion to each instance's VUs, and the
//     arrival-rate executors share their ticks in proportion to each instance's maxVUs (the
//     sequence made anew from those VU counts, Tuple.Resegment), so an instance with none of a
//     scenario's VUs gets none of its work and the others get all of it;
//   - an arrival-rate instance starts the global schedule's iterations it owns, at their global
//     times: a third of the test starts every third tick, as evenly spread as the whole;
//   - per-vu-iterations' count is per VU, so scaling its VUs is enough.

// hasWork reports whether the instance has any of scenario sc's work; a segment without is
// skipped, as k6 skips it, rather than waiting out the scenario's duration with no VU. The whole
// test runs every scenario, even one whose stages keep it at 0 VUs.
func hasWork(sc options.Scenario, t *options.Tuple) bool {
	if t == nil {
		return true
	}
	switch sc.Executor {
	case options.SharedIterations:
		it, ok := t.Resegment(*sc.VUs)
		return ok && t.Scale(*sc.VUs) > 0 && it.Scale(*sc.Iterations) > 0
	default:
		return sc.PeakVUsIn(t) > 0
	}
}

// iterationTuple is the striping that numbers the scenario's iterations across the instances
// (k6/execution's scenario.iterationInTest): the one its iterations are shared by.
func iterationTuple(sc options.Scenario, t *options.Tuple) *options.Tuple {
	var by int64
	switch sc.Executor {
	case options.SharedIterations:
		by = *sc.VUs
	case options.ConstantArrivalRate, options.RampingArrivalRate:
		by = *sc.MaxVUs
	default:
		return t
	}
	if it, ok := t.Resegment(by); ok {
		return it
	}
	return t
}

// stripedArrivals is the part of a schedule that one segment owns: of the schedule's
// iterations 0, 1, 2, ... it yields those the tuple owns, at their own times.
type stripedArrivals struct {
	plan  arrivals
	tuple *options.Tuple
	k     int64 // the schedule's next iteration
}

var _ arrivals = (*stripedArrivals)(nil)

func (s *stripedArrivals) next() (time.Duration, bool) {
	for {
		at, ok := s.plan.next()
		if !ok {
			return 0, false
		}
		k := s.k
		s.k++
		if s.tuple.Owns(k) {
			return at, true
		}
	}
}

// segmentArrivals is plan as the instance runs it: all of it for the whole test.
func (r *scenarioRun) segmentArrivals(plan arrivals) arrivals {
	t, _ := r.sched.segment.Resegment(*r.progress.Scenario.MaxVUs)
	if t == nil {
		return plan
	}
	return &stripedArrivals{plan: plan, tuple: t}
}

// scale is the instance's part of a scenario's VU count.
func (r *scenarioRun) scale(vus int64) int64 { return r.sched.segment.Scale(vus) }

// segmentVUSteps turns the test's VU steps into the instance's: after each step it runs its part
// of the test's VUs; steps that leave its part unchanged are left out.
func segmentVUSteps(start int64, steps []vuStep, t *options.Tuple) []vuStep {
	if t == nil {
		return steps
	}
	out := make([]vuStep, 0, len(steps))
	prev := t.Scale(start)
	for _, st := range steps {
		n := t.Scale(st.vus)
		if n == prev {
			continue
		}
		out = append(out, vuStep{at: st.at, vus: n})
		prev = n
	}
	return out
}
