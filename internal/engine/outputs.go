package engine

import (
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// How far an output may fall behind before its samples are dropped: outputQueueBatches
// batches (the engine hands one over every drainEvery, 20ms, in a steady run: about five
// seconds) and at most outputQueueContainers containers in all, so that a stuck output pins
// a few MB, not hundreds: a large live heap would slow the VUs through the GC.
const (
	outputQueueBatches    = 256
	outputQueueContainers = 1 << 16
)

// defaultOutputStopTimeout is how long Stop waits, by default, for the outputs to take
// what is queued for them.
const defaultOutputStopTimeout = 5 * time.Second

// outQueue feeds one output from a goroutine of its own, so that the engine never waits on
// it: offer never blocks, and a full queue drops the batch and counts its samples.
type outQueue struct {
	out  Output
	name string
	ch   chan []metrics.SampleContainer
	done chan struct{} // closed by run when the queue is closed and empty

	queued    atomic.Int64 // containers in ch
	abandoned atomic.Bool  // set when Stop gave up waiting: run drops instead of delivering
	dropped   atomic.Uint64
	warned    atomic.Bool
}

func newOutQueue(o Output) *outQueue {
	name := fmt.Sprintf("%T", o)
	if d, ok := o.(interface{ Description() string }); ok {
		name = d.Description()
	}
	return &outQueue{out: o, name: name, ch: make(chan []metrics.SampleContainer, outputQueueBatches), done: make(chan struct{})}
}

func (q *outQueue) run() {
	defer close(q.done)
	for b := range q.ch {
		q.queued.Add(-int64(len(b)))
		if q.abandoned.Load() {
			q.dropped.Add(samplesIn(b))
			continue
		}
		q.out.AddSamples(b)
	}
}

// offer queues the batch, or drops it when the output has fallen outputQueueBatches behind.
// The batch must not change afterwards: the engine starts a new slice after each hand-over.
func (q *outQueue) offer(batch []metrics.SampleContainer, logger *slog.Logger) {
	// Only the engine's goroutine adds to queued, so the check cannot race with another offer.
	if q.queued.Load()+int64(len(batch)) <= outputQueueContainers {
		q.queued.Add(int64(len(batch)))
		select {
		case q.ch <- batch:
			return
		default:
			q.queued.Add(-int64(len(batch)))
		}
	}
	q.dropped.Add(samplesIn(batch))
	if q.warned.CompareAndSwap(false, true) {
		logger.Warn(fmt.Sprintf("output %s is falling behind: its samples are dropped until it catches up (the VUs and the other outputs go on; the total is reported at the end)", q.name))
	}
}

func samplesIn(b []metrics.SampleContainer) uint64 {
	n := 0
	for _, c := range b {
		n += len(c.GetSamples())
	}
	return uint64(n)
}

// stopOutputs closes every queue and waits, within OutputStopTimeout in all, for each
// output to take what is left; an output still busy then is abandoned: the rest of its
// queue is counted as dropped.
func (e *Engine) stopOutputs() {
	timeout := e.OutputStopTimeout
	if timeout <= 0 {
		timeout = defaultOutputStopTimeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, q := range e.outputs {
		close(q.ch)
	}
	for _, q := range e.outputs {
		select {
		case <-q.done:
		case <-deadline.C:
			deadline.Reset(0) // the deadline has passed for the outputs after this one too
			q.abandon()
		}
	}
	for _, q := range e.outputs {
		if n := q.dropped.Load(); n > 0 {
			e.logger.Warn(OutputDrop{Output: q.name, Samples: n}.String(), "output", q.name)
		}
	}
}

// abandon stops delivering to a stuck output: what is still queued is counted as dropped,
// here or by run if it wakes up first.
func (q *outQueue) abandon() {
	q.abandoned.Store(true)
	for b := range q.ch {
		q.dropped.Add(samplesIn(b))
	}
}

// OutputDrop is how many samples one output lost because it could not keep up.
type OutputDrop struct {
	// Output is the output's description, e.g. "json (results.json)".
	Output  string
	Samples uint64
}

// Name is the output's name: its description up to the details in parentheses ("json").
func (d OutputDrop) Name() string {
	name, _, _ := strings.Cut(d.Output, " (")
	return strings.TrimSpace(name)
}

// OutputDrops lists the outputs that dropped samples, in the order they were added: those
// the engine's queue could not hold plus, for outputs that count their own (a file writer's
// queue), theirs (Dropped() int64 or uint64). Call after Stop for the run's totals.
func (e *Engine) OutputDrops() []OutputDrop {
	var out []OutputDrop
	for _, q := range e.outputs {
		n := q.dropped.Load()
		switch o := q.out.(type) {
		case interface{ Dropped() int64 }:
			n += uint64(max(o.Dropped(), 0))
		case interface{ Dropped() uint64 }:
			n += o.Dropped()
		}
		// Samples an output took but had not written when it was given up on (a file on a
		// disk or pipe that took no more data) are lost too.
		if p, ok := q.out.(interface{ Pending() int64 }); ok {
			n += uint64(max(p.Pending(), 0))
		}
		if n > 0 {
			out = append(out, OutputDrop{Output: q.name, Samples: n})
		}
	}
	return out
}

// String is the summary's line: "output json dropped 12 samples (it could not keep up)".
func (d OutputDrop) String() string {
	return fmt.Sprintf("output %s dropped %d samples (it could not keep up)", d.Name(), d.Samples)
}
