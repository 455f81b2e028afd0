package execution

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// arrivals is the schedule of an arrival-rate executor: when each iteration is due.
type arrivals interface {
	// next returns the offset from the scenario's start at which the next iteration is due,
	// and false once no iteration is left before the scenario's end. Offsets never decrease.
	next() (time.Duration, bool)
}

// arrivalRate runs an open-model scenario: iterations start when plan says, whether or not
// earlier ones have finished, each on a free VU. It is the engine of constant-arrival-rate and
// ramping-arrival-rate.
//
// An execution segment runs the iterations of the schedule it owns (stripedArrivals) with its
// part of preAllocatedVUs and maxVUs.
//
// VUs: the scenario takes maxVUs VUs from the pool at its start (the host initialises them
// before the test, where k6 initialises the ones beyond preAllocatedVUs mid-test) and starts
// preAllocatedVUs of them looping. When an iteration is due and no started VU is free, one
// more is started, up to maxVUs; when all are busy, the iteration is dropped: it is counted in
// dropped_iterations and Progress.Dropped, never started late.
//
// Lateness: one goroutine sleeps until the next due time, then hands every iteration that is
// due by now to a free VU. The VU records how late it starts the iteration against its due
// time as an iteration_start_delay sample (ours, beyond k6), so a host too slow to keep the
// schedule shows instead of silently lowering the rate.
func (r *scenarioRun) arrivalRate(graceful, hard context.Context, duration time.Duration, plan arrivals) error {
	sc := r.progress.Scenario
	start := time.Now()
	runCtx, hardCtx, done := r.deadlines(graceful, hard, duration)
	defer done()
	plan = r.segmentArrivals(plan)
	vus, err := r.takeVUs(r.scale(*sc.MaxVUs))
	if err != nil {
		return err
	}
	defer r.sched.VUs.Return(vus)

	// free holds the started VUs waiting for an iteration; it never fills, so a VU never
	// blocks handing itself back.
	free := make(chan *arrivalVU, len(vus))
	var all []*arrivalVU
	var wg sync.WaitGroup
	startVU := func() *arrivalVU {
		v := &arrivalVU{vu: vus[len(all)], due: make(chan time.Time, 1)}
		all = append(all, v)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.arrivalLoop(hardCtx, v, free)
		}()
		return v
	}
	for range min(r.scale(*sc.PreAllocatedVUs), int64(len(vus))) {
		free <- startVU()
	}

	// The plan ends before the scenario does, so this loop stops on a stop request or a
	// hard stop, not on the scenario's end: an iteration due just before the end is handed
	// over even if the loop wakes up just after it, its lateness on record.
	stopped := func() bool { return graceful.Err() != nil || hardCtx.Err() != nil }
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for !stopped() {
		off, ok := plan.next()
		if !ok {
			break
		}
		due := start.Add(off)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-graceful.Done():
			case <-hardCtx.Done():
			}
			if stopped() {
				break
			}
		}
		// Hand the iteration over; it cannot block: a free VU's due channel is empty.
		select {
		case v := <-free:
			v.due <- due
		default:
			if len(all) < len(vus) {
				startVU().due <- due
			} else {
				r.drop(hardCtx)
			}
		}
	}
	// The scenario lasts its duration even when the plan ran out early. Then closing the
	// due channels ends the VUs, once they have run what they were handed.
	select {
	case <-runCtx.Done():
	case <-hardCtx.Done():
	}
	for _, v := range all {
		close(v.due)
	}
	wg.Wait()
	return nil
}

// arrivalVU is a VU of an arrival-rate scenario; due carries the due time of its next
// iteration, and is closed when there will be none.
type arrivalVU struct {
	vu  VU
	due chan time.Time
}

// arrivalLoop runs the iterations handed to v until its due channel closes.
func (r *scenarioRun) arrivalLoop(hardCtx context.Context, v *arrivalVU, free chan<- *arrivalVU) {
	r.vuUp()
	defer r.vuDown()
	for {
		var due time.Time
		select {
		case d, ok := <-v.due:
			if !ok {
				return
			}
			due = d
		case <-hardCtx.Done():
			return
		}
		r.startDelay(hardCtx, due)
		if !r.iterate(hardCtx, v.vu) {
			return
		}
		free <- v
	}
}

// startDelay records how late an iteration starts against its due time.
func (r *scenarioRun) startDelay(ctx context.Context, due time.Time) {
	now := time.Now()
	metrics.PushIfNotDone(ctx, r.sched.Samples, metrics.Sample{
		Metric: r.sched.Builtin.IterationStartDelay, Tags: r.tags, Time: now,
		Value: float64(now.Sub(due)) / float64(time.Millisecond),
	})
}

// drop counts an iteration that was due when no VU was free.
func (r *scenarioRun) drop(ctx context.Context) {
	r.progress.Dropped.Add(1)
	metrics.PushIfNotDone(ctx, r.sched.Samples, metrics.Sample{
		Metric: r.sched.Builtin.DroppedIterations, Tags: r.tags, Time: time.Now(), Value: 1,
	})
}

// checkTimeUnit refuses a timeUnit the schedules cannot divide by.
func (r *scenarioRun) checkTimeUnit(unit time.Duration) error {
	if unit <= 0 {
		return fmt.Errorf("scenario %q, option \"timeUnit\": %s must be more than 0", r.progress.Name, unit)
	}
	return nil
}

// mulDiv returns k·d/n rounded down, without overflowing on the way (k·d can pass 2^63 in a
// long test at a high rate), and false if the result does not fit a Duration. k and d must not
// be negative, n must be positive.
func mulDiv(k int64, d time.Duration, n int64) (time.Duration, bool) {
	hi, lo := bits.Mul64(uint64(k), uint64(d))
	if hi >= uint64(n) {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, uint64(n))
	if q > math.MaxInt64 {
		return 0, false
	}
	return time.Duration(q), true
}
