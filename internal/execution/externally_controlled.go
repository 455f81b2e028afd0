package execution

import (
	"context"
	"errors"
	"fmt"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// externallyControlled: vus VUs loop for duration, and Scheduler.SetVUs changes how many while
// it runs, up to maxVUs. VUs taken away finish the iteration they run; as in k6 the executor
// has no graceful stop: the end of duration, or the first stop request, interrupts whatever
// still runs (the scenario's gracefulStop is not used). Pausing and resuming, and raising
// maxVUs while running, are not supported.
func (r *scenarioRun) externallyControlled(graceful, hard context.Context) error {
	sc := r.progress.Scenario
	stopCtx, cancel := context.WithTimeout(hard, sc.Duration.D())
	defer cancel()
	defer context.AfterFunc(graceful, cancel)()
	vus, err := r.takeVUs(r.scale(*sc.MaxVUs))
	if err != nil {
		return err
	}
	defer r.sched.VUs.Return(vus)

	set := newLoopingVUs(r, stopCtx, stopCtx, vus, -1)
	if err := set.setTarget(int(r.scale(*sc.VUs))); err != nil {
		return fmt.Errorf("scenario %q, option \"vus\": %w", r.progress.Name, err)
	}
	ctl := &externalControl{set: set, maxVUs: *sc.MaxVUs}
	r.sched.externalMu.Lock()
	if r.sched.external == nil {
		r.sched.external = map[string]*externalControl{}
	}
	r.sched.external[r.progress.Name] = ctl
	r.sched.externalMu.Unlock()
	defer func() {
		r.sched.externalMu.Lock()
		delete(r.sched.external, r.progress.Name)
		r.sched.externalMu.Unlock()
	}()
	set.start()
	set.wait()
	return nil
}

// externalControl is the handle SetVUs uses on a running externally-controlled scenario.
type externalControl struct {
	set    *loopingVUs
	maxVUs int64 // the scenario's, for the whole test
}

// Errors of SetVUs, for errors.Is.
var (
	ErrUnknownScenario         = errors.New("no such scenario")
	ErrNotExternallyControlled = errors.New("the scenario's executor is not externally-controlled")
	ErrScenarioNotRunning      = errors.New("the scenario is not running")
	ErrVUsOutOfRange           = errors.New("VU count out of range")
)

// SetVUs sets how many VUs the running externally-controlled scenario loops, from 0 to its
// maxVUs. New VUs start at once; VUs taken away finish their current iteration first. It is
// safe to call from any goroutine. With an execution segment, n is the whole test's count, as
// in k6: the instance runs its part of it, so every instance of the sequence can be told the
// same number.
func (s *Scheduler) SetVUs(scenario string, n int64) error {
	s.externalMu.Lock()
	ctl := s.external[scenario]
	s.externalMu.Unlock()
	if ctl == nil {
		for _, p := range s.progress {
			if p.Name != scenario {
				continue
			}
			if p.Scenario.Executor != options.ExternallyControlled {
				return fmt.Errorf("scenario %q (%s): %w", scenario, p.Scenario.Executor, ErrNotExternallyControlled)
			}
			if !hasWork(p.Scenario, s.segment) {
				// None of its VUs is this segment's: its part of any count is 0, which it
				// runs, so an orchestrator can tell every instance the same.
				if n < 0 || n > *p.Scenario.MaxVUs {
					return fmt.Errorf("scenario %q: %d VUs: %w (0 to maxVUs %d)", scenario, n, ErrVUsOutOfRange, *p.Scenario.MaxVUs)
				}
				return nil
			}
			return fmt.Errorf("scenario %q: %w", scenario, ErrScenarioNotRunning)
		}
		return fmt.Errorf("scenario %q: %w", scenario, ErrUnknownScenario)
	}
	if n < 0 || n > ctl.maxVUs {
		return fmt.Errorf("scenario %q: %d VUs: %w (0 to maxVUs %d)", scenario, n, ErrVUsOutOfRange, ctl.maxVUs)
	}
	if err := ctl.set.setTarget(int(s.segment.Scale(n))); errors.Is(err, errClosed) {
		return fmt.Errorf("scenario %q: %w", scenario, ErrScenarioNotRunning)
	} else if err != nil {
		return fmt.Errorf("scenario %q: %w", scenario, err)
	}
	return nil
}
