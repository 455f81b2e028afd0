package execution

import (
	"context"
	"time"
)

// constantArrivalRate: rate iterations start every timeUnit for duration, spread evenly
// (at 10 per second, one every 100ms, the first at once and the last at the duration
// itself, as in k6: 10/s for 2s starts 21), however long they take.
func (r *scenarioRun) constantArrivalRate(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	if err := r.checkTimeUnit(sc.TimeUnit.D()); err != nil {
		return err
	}
	plan := &constantArrivals{rate: *sc.Rate, unit: sc.TimeUnit.D(), end: sc.Duration.D()}
	return r.arrivalRate(graceful, hard, sc.Duration.D(), plan)
}

// constantArrivals: iteration k (from 0) is due at k·unit/rate, for as long as that is not
// after end. k6 schedules the same ticks and its tick at the end wins over the end of the
// scenario, so a tick that lands on the end starts an iteration too. Computing each offset from k, not by adding intervals, keeps rounding from drifting:
// 3 per second is 0, 333.333333ms, 666.666666ms, 1s, ...
type constantArrivals struct {
	rate int64
	unit time.Duration
	end  time.Duration
	k    int64
}

var _ arrivals = (*constantArrivals)(nil)

func (c *constantArrivals) next() (time.Duration, bool) {
	if c.rate <= 0 {
		return 0, false
	}
	at, ok := mulDiv(c.k, c.unit, c.rate)
	if !ok || at > c.end {
		return 0, false
	}
	c.k++
	return at, true
}
