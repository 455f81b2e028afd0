package execution

import (
	"context"
	"math"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// rampingArrivalRate: the rate starts at startRate iterations per timeUnit and follows each
// stage's line to its target; iterations start on that schedule however long they take.
func (r *scenarioRun) rampingArrivalRate(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	if err := r.checkTimeUnit(sc.TimeUnit.D()); err != nil {
		return err
	}
	plan := newRampingArrivals(*sc.StartRate, sc.TimeUnit.D(), sc.Stages)
	return r.arrivalRate(graceful, hard, plan.end, plan)
}

// rampingArrivals is the schedule of a rate that changes linearly within each stage.
//
// With the rate r(t) in iterations per nanosecond, the number of iterations due by t is
// N(t) = ∫₀ᵗ r; iteration k (from 0) is due when N reaches k+1, as in k6: the first
// iteration waits for a whole iteration's worth of rate (at 10/s it starts at 100ms, not at
// once), and one that would be due at the very end is not started (k6's scenario ends
// first). So 10/s held for 2s starts 19, at 0.1s ... 1.9s; constant-arrival-rate, which
// starts one at 0 and one at the end, starts 21. Within a stage
// that starts at rate a, ends at rate b and lasts D, the count m into the stage is reached
// after x where a·x + (b-a)·x²/(2D) = m, that is
//
//	x = 2m / (a + √(a² + 2(b-a)·m/D))
//
// (the root of the quadratic written so that it neither cancels nor divides by b-a, and is
// right for a = b and for a = 0 alike).
type rampingArrivals struct {
	stages []rateStage
	end    time.Duration
	i      int   // the stage iteration k falls in, or past it
	k      int64 // the next iteration
}

// rateStage is one stage of a rampingArrivals, rates in iterations per nanosecond.
type rateStage struct {
	start, dur time.Duration
	from, to   float64
	before     float64 // iterations due before the stage
	count      float64 // iterations due within it
}

var _ arrivals = (*rampingArrivals)(nil)

func newRampingArrivals(startRate int64, unit time.Duration, stages []options.Stage) *rampingArrivals {
	p := &rampingArrivals{}
	perNS := func(rate int64) float64 { return float64(rate) / float64(unit) }
	from := perNS(startRate)
	var before float64
	for _, st := range stages {
		d := st.Duration.D()
		to := perNS(st.Target)
		count := (from + to) / 2 * float64(d)
		p.stages = append(p.stages, rateStage{start: p.end, dur: d, from: from, to: to, before: before, count: count})
		before += count
		p.end += d
		from = to
	}
	return p
}

func (p *rampingArrivals) next() (time.Duration, bool) {
	for ; p.i < len(p.stages); p.i++ {
		st := p.stages[p.i]
		m := float64(p.k+1) - st.before
		if m > st.count {
			continue
		}
		at := st.start + time.Duration(math.Round(st.offset(m)))
		// A due time within a microsecond of the end is the end itself, off by float
		// rounding: k6 does not start it either.
		if at >= p.end-time.Microsecond {
			return 0, false
		}
		p.k++
		return at, true
	}
	return 0, false
}

// offset is when, in nanoseconds into the stage, m iterations of it are due.
func (st rateStage) offset(m float64) float64 {
	if m <= 0 {
		return 0
	}
	d := float64(st.dur)
	var x float64
	if st.from == st.to {
		x = m / st.from
	} else {
		disc := max(st.from*st.from+2*(st.to-st.from)*m/d, 0)
		x = 2 * m / (st.from + math.Sqrt(disc))
	}
	return min(max(x, 0), d)
}
