package locust

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// VU is what Users drive: a JS VU of the run.
type VU interface {
	// Activate readies the VU for a test: its tags and the setup data.
	Activate(tags *metrics.TagSet, setupJSON string) error
	// Iteration runs the exported function exec once; ctx's end interrupts it.
	Iteration(ctx context.Context, exec string) error
}

// lifecycleExports are script exports that are never a user class's function.
var lifecycleExports = map[string]bool{"setup": true, "teardown": true, "handleSummary": true}

// ErrNoExec is returned when a user class has no function to run.
var ErrNoExec = errors.New("no function for the Locust user class")

// ResolveExec picks the exported function a Locust user class runs: the export named like
// the class, else one whose name matches it ignoring case, else the default function.
// exports are the names of the script's exported functions.
func ResolveExec(class string, exports []string) (string, error) {
	var fold []string
	hasDefault := false
	for _, e := range exports {
		switch {
		case e == "default":
			hasDefault = true
		case lifecycleExports[e]:
		case e == class:
			return e, nil
		case strings.EqualFold(e, class):
			fold = append(fold, e)
		}
	}
	sort.Strings(fold)
	switch {
	case len(fold) == 1:
		return fold[0], nil
	case len(fold) > 1:
		return "", fmt.Errorf("%w %q: the script exports %s, which match it only ignoring case; rename one", ErrNoExec, class, strings.Join(fold, " and "))
	case hasDefault:
		return "default", nil
	}
	return "", fmt.Errorf("%w %q: the script exports no function of that name and no default function", ErrNoExec, class)
}

// Users runs the VUs that play Locust users: each runs its class's function in a loop
// until it is stopped. VUs are made on demand and kept for reuse when users stop. Safe
// for concurrent use, though SetTarget calls are meant to come one at a time.
type Users struct {
	// NewVU makes a VU and runs the script's init code in it; id is its __VU.
	NewVU func(id uint64) (VU, error)
	// Exec maps a user class to the exported function its users run.
	Exec func(class string) (string, error)
	// Tags are every sample's tags for a class's users (k6's scenario tag is the class).
	Tags func(class string) *metrics.TagSet
	// OnException is told of every exception a user's iteration throws.
	OnException func(class string, err error)
	Logger      *slog.Logger

	mu        sync.Mutex
	running   map[string][]*user // by class, oldest first
	idle      []VU
	made      int
	nextID    uint64
	setupJSON string
}

type user struct {
	vu        VU
	class     string
	stopNew   context.CancelFunc // no new iterations
	interrupt context.CancelFunc // interrupt the running one
	done      chan struct{}
}

// SetSetupJSON sets the setup data that users started from now on receive.
func (u *Users) SetSetupJSON(s string) {
	u.mu.Lock()
	u.setupJSON = s
	u.mu.Unlock()
}

// Counts returns how many users of each class run.
func (u *Users) Counts() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make(map[string]int, len(u.running))
	for c, us := range u.running {
		if len(us) > 0 {
			out[c] = len(us)
		}
	}
	return out
}

// Running is how many users run.
func (u *Users) Running() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, us := range u.running {
		n += len(us)
	}
	return n
}

// Made is how many VUs were made so far (k6's vus_max).
func (u *Users) Made() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.made
}

// SetTarget starts and stops users until each class has target[class] of them (a class
// not in target has none). Stopped users start no new iteration; one still running after
// stopTimeout is interrupted. ctx's end stops starting new users. Every problem (a class
// with no function, a VU whose init code threw) is returned; the other classes still get
// their users.
func (u *Users) SetTarget(ctx context.Context, target map[string]int, stopTimeout time.Duration) error {
	var errs []error
	// Stop first, so their VUs serve the classes that grow.
	var stopping []*user
	u.mu.Lock()
	if u.running == nil {
		u.running = map[string][]*user{}
	}
	for _, class := range sortedKeys(u.running) {
		us := u.running[class]
		if extra := len(us) - target[class]; extra > 0 {
			stopping = append(stopping, us[len(us)-extra:]...)
			u.running[class] = us[:len(us)-extra]
		}
	}
	u.mu.Unlock()
	u.stop(stopping, stopTimeout)

	for _, class := range sortedKeys(target) {
		u.mu.Lock()
		missing := target[class] - len(u.running[class])
		u.mu.Unlock()
		if missing <= 0 {
			continue
		}
		if err := u.start(ctx, class, missing); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// StopAll stops every user (see SetTarget).
func (u *Users) StopAll(stopTimeout time.Duration) {
	_ = u.SetTarget(context.Background(), nil, stopTimeout)
}

func (u *Users) stop(us []*user, stopTimeout time.Duration) {
	if len(us) == 0 {
		return
	}
	for _, x := range us {
		x.stopNew()
	}
	deadline := time.NewTimer(stopTimeout)
	defer deadline.Stop()
	interrupted := false
	for _, x := range us {
		select {
		case <-x.done:
		case <-deadline.C:
			interrupted = true
			for _, y := range us {
				y.interrupt()
			}
			<-x.done
		}
	}
	if interrupted {
		// An interrupt is delivered from a goroutine of its own that may still be on its
		// way when the iteration has returned; give it time to land before the VUs are
		// reused (reuse clears it).
		time.Sleep(20 * time.Millisecond)
	}
	u.mu.Lock()
	for _, x := range us {
		u.idle = append(u.idle, x.vu)
	}
	u.mu.Unlock()
}

func (u *Users) start(ctx context.Context, class string, n int) error {
	exec, err := u.Exec(class)
	if err != nil {
		return err
	}
	vus, err := u.vus(ctx, n)
	u.mu.Lock()
	setupJSON := u.setupJSON
	u.mu.Unlock()
	tags := u.Tags(class)
	for _, vu := range vus {
		if aerr := vu.Activate(tags, setupJSON); aerr != nil {
			err = errors.Join(err, fmt.Errorf("user class %s: %w", class, aerr))
			u.mu.Lock()
			u.idle = append(u.idle, vu)
			u.mu.Unlock()
			continue
		}
		u.launch(class, exec, vu)
	}
	if err != nil {
		return fmt.Errorf("user class %s: %w", class, err)
	}
	return nil
}

// vus returns n VUs: idle ones first, then new ones made in parallel (init code can be
// slow). With an error it returns the VUs it has.
func (u *Users) vus(ctx context.Context, n int) ([]VU, error) {
	u.mu.Lock()
	take := min(n, len(u.idle))
	out := append([]VU(nil), u.idle[len(u.idle)-take:]...)
	u.idle = u.idle[:len(u.idle)-take]
	need := n - take
	first := u.nextID + 1
	u.nextID += uint64(need)
	u.mu.Unlock()
	if need == 0 {
		return out, nil
	}
	made := make([]VU, need)
	errs := execution.InitEach(ctx, need, func(i int) error {
		var err error
		made[i], err = u.NewVU(first + uint64(i))
		return err
	})
	var firstErr error
	for i, vu := range made {
		if errs[i] == nil {
			out = append(out, vu)
		} else if firstErr == nil {
			firstErr = fmt.Errorf("initialising VU %d: %w", first+uint64(i), errs[i])
		}
	}
	u.mu.Lock()
	u.made += len(out) - take
	u.mu.Unlock()
	return out, firstErr
}

func (u *Users) launch(class, exec string, vu VU) {
	graceful, stopNew := context.WithCancel(context.Background())
	hard, interrupt := context.WithCancel(context.Background())
	x := &user{vu: vu, class: class, stopNew: stopNew, interrupt: interrupt, done: make(chan struct{})}
	u.mu.Lock()
	u.running[class] = append(u.running[class], x)
	u.mu.Unlock()
	go func() {
		defer close(x.done)
		defer interrupt()
		defer stopNew()
		for graceful.Err() == nil {
			err := vu.Iteration(hard, exec)
			if hard.Err() != nil {
				return // interrupted: not the script's fault
			}
			if err != nil && u.OnException != nil {
				u.OnException(class, err)
			}
		}
	}()
}
