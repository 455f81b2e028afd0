package execution

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// loopingVUs is a fixed set of VUs of which the first target ones loop iterations; the target
// can change while they run. It is the engine of ramping-vus and externally-controlled.
//
// Lowering the target stops the VUs above it from starting new iterations. The one each of
// them is running may finish: within grace if grace >= 0 (gracefulRampDown), after which it
// is interrupted, or with no limit but the hard stop if grace < 0. Raising the target again
// before the grace runs out keeps the running iteration alive and the VU loops on.
//
// Every VU has a goroutine for the whole run, parked on a channel while it is not wanted.
type loopingVUs struct {
	r       *scenarioRun
	runCtx  context.Context // its end: start no new iterations
	hardCtx context.Context // its end: interrupt running iterations
	grace   time.Duration

	mu     sync.Mutex // guards everything below, and every slot's fields
	slots  []*vuSlot
	target int
	closed bool

	wg sync.WaitGroup
}

// vuSlot is one VU of a loopingVUs.
type vuSlot struct {
	vu     VU
	wake   chan struct{} // one token: "you may be wanted now"
	wanted bool
	// ctx is what the VU's iterations run under: a child of hardCtx that the grace timer
	// cancels when the VU was ramped down and is still busy.
	ctx    context.Context
	cancel context.CancelFunc
	timer  *time.Timer // the pending gracefulRampDown, nil if none
}

func newLoopingVUs(r *scenarioRun, runCtx, hardCtx context.Context, vus []VU, grace time.Duration) *loopingVUs {
	l := &loopingVUs{r: r, runCtx: runCtx, hardCtx: hardCtx, grace: grace}
	for _, vu := range vus {
		l.slots = append(l.slots, &vuSlot{vu: vu, wake: make(chan struct{}, 1)})
	}
	return l
}

// start runs one goroutine per VU; wait must follow.
func (l *loopingVUs) start() {
	for _, s := range l.slots {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.loop(s)
		}()
	}
}

// wait returns when every VU goroutine has ended (runCtx or hardCtx ended and the last
// iterations returned) and clears the grace timers, so nothing of the set outlives it.
func (l *loopingVUs) wait() {
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for _, s := range l.slots {
		if s.timer != nil {
			s.timer.Stop()
			s.timer = nil
		}
		if s.cancel != nil {
			s.cancel()
		}
	}
}

// errClosed is what setTarget returns once the set has stopped.
var errClosed = errors.New("the VUs have stopped")

// setTarget makes the first n VUs loop and ramps the others down.
func (l *loopingVUs) setTarget(n int) error {
	if n < 0 || n > len(l.slots) {
		return fmt.Errorf("%d VUs: %w (0 to %d)", n, ErrVUsOutOfRange, len(l.slots))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errClosed
	}
	for i, s := range l.slots {
		switch {
		case i < n && !s.wanted:
			l.activate(s)
		case i >= n && s.wanted:
			l.deactivate(s)
		}
	}
	l.target = n
	return nil
}

// activate is called with l.mu held.
func (l *loopingVUs) activate(s *vuSlot) {
	s.wanted = true
	if s.timer != nil {
		if !s.timer.Stop() {
			// The grace ran out: its cancel has run or is about to; that context is spent.
			s.cancel()
		}
		s.timer = nil
	}
	if s.ctx == nil || s.ctx.Err() != nil {
		if s.cancel != nil {
			s.cancel()
		}
		s.ctx, s.cancel = context.WithCancel(l.hardCtx)
	}
	select {
	case s.wake <- struct{}{}:
	default: // a token is already there
	}
}

// deactivate is called with l.mu held.
func (l *loopingVUs) deactivate(s *vuSlot) {
	s.wanted = false
	switch {
	case l.grace < 0:
		// No limit: the running iteration ends on its own or at the hard stop.
	case l.grace == 0:
		s.cancel()
	default:
		s.timer = time.AfterFunc(l.grace, s.cancel)
	}
}

// loop is one VU's goroutine: parked while not wanted, looping iterations while wanted.
func (l *loopingVUs) loop(s *vuSlot) {
	for {
		select {
		case <-s.wake:
		case <-l.runCtx.Done():
			return
		case <-l.hardCtx.Done():
			return
		}
		if !l.runWhileWanted(s) {
			return
		}
	}
}

// runWhileWanted loops iterations until the VU is no longer wanted or the run ends. It
// reports false when the hard stop interrupted it, so the VU's goroutine ends.
func (l *loopingVUs) runWhileWanted(s *vuSlot) bool {
	l.mu.Lock()
	wanted := s.wanted
	l.mu.Unlock()
	if !wanted {
		return true // a stale wake token
	}
	l.r.vuUp()
	defer l.r.vuDown()
	for l.runCtx.Err() == nil {
		l.mu.Lock()
		if s.wanted && s.ctx.Err() != nil && l.hardCtx.Err() == nil {
			// Not reachable through activate, which renews a spent context; kept so that a
			// wanted VU can never spin on a cancelled one.
			s.cancel()
			s.ctx, s.cancel = context.WithCancel(l.hardCtx)
		}
		wanted, ctx := s.wanted, s.ctx
		l.mu.Unlock()
		if !wanted {
			return true
		}
		if !l.r.iterate(ctx, s.vu) && l.hardCtx.Err() != nil {
			return false
		}
		// An iteration cut short by gracefulRampDown: loop on only if wanted again.
	}
	return true
}

// takeVUs takes n VUs from the pool and activates them for the scenario. On success the
// caller returns them to the pool when the scenario ends.
func (r *scenarioRun) takeVUs(n int64) ([]VU, error) {
	vus, err := r.sched.VUs.Take(int(n))
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", r.progress.Name, err)
	}
	info := r.progress.info()
	for _, vu := range vus {
		if err := vu.Activate(r.tags, r.sched.SetupJSON); err != nil {
			r.sched.VUs.Return(vus)
			return nil, fmt.Errorf("scenario %q: %w", r.progress.Name, err)
		}
		if sa, ok := vu.(ScenarioAware); ok {
			sa.SetScenario(info)
		}
	}
	return vus, nil
}

// vuUp and vuDown keep the run's and the scenario's active-VU counts.
func (r *scenarioRun) vuUp() {
	r.sched.vuActive(1)
	r.progress.ActiveVUs.Add(1)
}

func (r *scenarioRun) vuDown() {
	r.sched.vuActive(-1)
	r.progress.ActiveVUs.Add(-1)
}
