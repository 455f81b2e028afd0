// Package eventloop is a VU's event loop, with k6's semantics: a call into the script (an
// iteration, setup, teardown, handleSummary) is over only once the promise it returned has
// settled and every task it queued (timers, callbacks registered by modules) has run. A
// promise rejected with no handler ends the call like a thrown exception.
//
// A Loop belongs to one runtime and is driven from that runtime's goroutine; only the
// functions RegisterCallback returns may be called from other goroutines.
package eventloop

import (
	"container/heap"
	"context"
	"errors"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/grafana/sobek"
)

// UnhandledRejection is a promise rejected with no handler attached by the time the task
// that rejected it (and the promise jobs it queued) finished.
type UnhandledRejection struct {
	Reason sobek.Value
}

func (e *UnhandledRejection) Error() string {
	return "Uncaught (in promise) " + valueText(e.Reason)
}

func valueText(v sobek.Value) (s string) {
	if v == nil {
		return "undefined"
	}
	// An object's own toString may throw: the rejection is still reported.
	defer func() {
		if recover() != nil {
			s = "(a value whose toString() throws)"
		}
	}()
	return v.String()
}

// ErrPendingForever is not an error a script sees: Await returns it when the promise can
// never settle (nothing is left that could settle it).
var ErrPendingForever = errors.New("the promise can never settle: nothing is left that could settle it")

// Loop runs one runtime's queued tasks.
type Loop struct {
	rt *sobek.Runtime

	// Timers, ordered by when they are due (ties: the one set first).
	timers timerHeap
	byID   map[int64]*timer
	lastID int64
	clock  *time.Timer // reused for every wait, so waiting does not allocate

	// Promises rejected with no handler yet, oldest first. Usually empty, so a slice.
	rejected []*sobek.Promise

	// Tasks handed in from other goroutines (RegisterCallback).
	mu         sync.Mutex
	queued     []func() error
	registered int    // callbacks registered and not yet enqueued: the loop waits for them
	generation uint64 // bumped by Reset: callbacks of an earlier call are dropped
	wake       chan struct{}
}

// New makes the loop of rt and tracks rt's unhandled promise rejections.
func New(rt *sobek.Runtime) *Loop {
	l := &Loop{rt: rt, byID: map[int64]*timer{}, wake: make(chan struct{}, 1)}
	rt.SetPromiseRejectionTracker(l.track)
	return l
}

func (l *Loop) track(p *sobek.Promise, op sobek.PromiseRejectionOperation) {
	switch op {
	case sobek.PromiseRejectionReject:
		l.rejected = append(l.rejected, p)
	case sobek.PromiseRejectionHandle:
		l.forget(p)
	}
}

// forget drops p from the unhandled rejections: someone handles it.
func (l *Loop) forget(p *sobek.Promise) {
	for i, q := range l.rejected {
		if q == p {
			l.rejected = append(l.rejected[:i], l.rejected[i+1:]...)
			return
		}
	}
}

// unhandled is the first rejection nothing handled, if any.
func (l *Loop) unhandled() error {
	if len(l.rejected) == 0 {
		return nil
	}
	return &UnhandledRejection{Reason: l.rejected[0].Result()}
}

var promiseType = reflect.TypeFor[*sobek.Promise]()

// AsPromise returns v as a promise, or nil when it is not one.
func AsPromise(v sobek.Value) *sobek.Promise {
	o, ok := v.(*sobek.Object)
	if !ok || o.ExportType() != promiseType {
		return nil
	}
	p, _ := o.Export().(*sobek.Promise)
	return p
}

// Await runs the loop after a call into the script returned v: until every queued task has
// run and, when v is a promise, it has settled. It returns v, or the value the promise
// fulfilled with. The error is the first of: a task's exception, an unhandled rejection
// (*UnhandledRejection; a rejection of v itself is one too), ctx's error when ctx ends
// first. On any error the tasks still pending are dropped (see Reset). When v is a promise
// that can never settle, Await returns undefined and ErrPendingForever.
func (l *Loop) Await(ctx context.Context, v sobek.Value) (sobek.Value, error) {
	p := AsPromise(v)
	if p != nil {
		// The caller handles this promise's outcome: it is no unhandled rejection.
		l.forget(p)
	}
	err := l.run(ctx, p)
	if err != nil {
		l.Reset()
		return nil, err
	}
	if p == nil {
		return v, nil
	}
	switch p.State() {
	case sobek.PromiseStateFulfilled:
		return p.Result(), nil
	case sobek.PromiseStateRejected:
		l.Reset()
		return nil, &UnhandledRejection{Reason: p.Result()}
	default:
		return sobek.Undefined(), ErrPendingForever
	}
}

// run runs tasks until none is left (or p, when not nil, is rejected).
func (l *Loop) run(ctx context.Context, p *sobek.Promise) error {
	for {
		if err := l.unhandled(); err != nil {
			return err
		}
		if p != nil && p.State() == sobek.PromiseStateRejected {
			return nil // ends the call at once, as a thrown exception would
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if task := l.next(); task != nil {
			if err := task(); err != nil {
				return err
			}
			continue
		}
		if len(l.timers) == 0 && !l.waitingForCallbacks() {
			return nil
		}
		if err := l.wait(ctx); err != nil {
			return err
		}
	}
}

// next returns a task that can run now: one handed in, else a due timer's.
func (l *Loop) next() func() error {
	l.mu.Lock()
	if len(l.queued) > 0 {
		t := l.queued[0]
		l.queued[0] = nil
		l.queued = l.queued[1:]
		l.mu.Unlock()
		return t
	}
	l.mu.Unlock()
	if len(l.timers) == 0 || time.Until(l.timers[0].due) > 0 {
		return nil
	}
	t := l.timers[0]
	if t.every > 0 {
		t.due = time.Now().Add(t.every)
		heap.Fix(&l.timers, 0)
	} else {
		heap.Pop(&l.timers)
		delete(l.byID, t.id)
	}
	return func() error {
		_, err := t.fn(sobek.Undefined(), t.args...)
		return err
	}
}

func (l *Loop) waitingForCallbacks() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.registered > 0
}

// wait blocks until the next timer is due, a task is handed in, or ctx ends.
func (l *Loop) wait(ctx context.Context) error {
	var due <-chan time.Time
	if len(l.timers) > 0 {
		d := time.Until(l.timers[0].due)
		if d <= 0 {
			return nil
		}
		if l.clock == nil {
			l.clock = time.NewTimer(d)
		} else {
			l.clock.Reset(d)
		}
		defer l.clock.Stop()
		due = l.clock.C
	}
	select {
	case <-due:
	case <-l.wake:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// Reset drops every pending timer, task and unhandled rejection, and makes the callbacks
// registered so far no-ops: what a call left behind must not run in the next one.
func (l *Loop) Reset() {
	l.timers = l.timers[:0]
	clear(l.byID)
	l.rejected = l.rejected[:0]
	l.mu.Lock()
	clear(l.queued)
	l.queued = l.queued[:0]
	l.registered = 0
	l.generation++
	l.mu.Unlock()
}

// RegisterCallback tells the loop that a module started something (on another goroutine)
// whose result must come back to the script: the loop keeps running until the returned
// function has been called, once, with the task to run on the loop. Further calls are
// ignored, and so is a call after the loop was Reset.
func (l *Loop) RegisterCallback() func(task func() error) {
	l.mu.Lock()
	l.registered++
	gen := l.generation
	l.mu.Unlock()
	var once sync.Once
	return func(task func() error) {
		once.Do(func() {
			l.mu.Lock()
			if gen != l.generation {
				l.mu.Unlock()
				return
			}
			l.registered--
			l.queued = append(l.queued, task)
			l.mu.Unlock()
			select {
			case l.wake <- struct{}{}:
			default:
			}
		})
	}
}

type timer struct {
	id    int64
	due   time.Time
	every time.Duration // > 0 for an interval
	fn    sobek.Callable
	args  []sobek.Value
	index int // in the heap
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].id < h[j].id
	}
	return h[i].due.Before(h[j].due)
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) { t := x.(*timer); t.index = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// Delay turns a script's delay in milliseconds into a duration as browsers do: missing,
// NaN, negative or not a number means 0.
func Delay(ms sobek.Value) time.Duration {
	if ms == nil || sobek.IsUndefined(ms) || sobek.IsNull(ms) {
		return 0
	}
	f := ms.ToFloat()
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	if f > float64(math.MaxInt64/int64(time.Millisecond)) {
		f = float64(math.MaxInt64 / int64(time.Millisecond))
	}
	return time.Duration(f * float64(time.Millisecond))
}

// SetTimer runs fn(args...) after delay, and again every delay when repeat is set (a delay
// of 0 then runs it on every pass of the loop). It returns the timer's id (from 1; timeouts
// and intervals share the numbers, as in browsers).
func (l *Loop) SetTimer(fn sobek.Callable, delay time.Duration, repeat bool, args []sobek.Value) int64 {
	l.lastID++
	t := &timer{id: l.lastID, due: time.Now().Add(delay), fn: fn, args: args}
	if repeat {
		t.every = max(delay, time.Nanosecond)
	}
	heap.Push(&l.timers, t)
	l.byID[t.id] = t
	return t.id
}

// ClearTimer cancels the timer id; an unknown id (already run, cleared, or never set) is
// ignored, as in browsers.
func (l *Loop) ClearTimer(id int64) {
	t, ok := l.byID[id]
	if !ok {
		return
	}
	delete(l.byID, id)
	heap.Remove(&l.timers, t.index)
}

// Pending is the number of timers set and not yet run or cleared (for tests).
func (l *Loop) Pending() int { return len(l.timers) }
