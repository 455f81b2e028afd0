package locust

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestResolveExec(t *testing.T) {
	for _, c := range []struct {
		name, class string
		exports     []string
		want        string
		err         bool
	}{
		{"exact", "readUser", []string{"default", "readUser"}, "readUser", false},
		{"any case", "ReadUser", []string{"default", "readUser", "writeUser"}, "readUser", false},
		{"exact beats case", "ReadUser", []string{"readUser", "ReadUser"}, "ReadUser", false},
		{"default", "Browse", []string{"default", "readUser"}, "default", false},
		{"lifecycle is never a class's", "Setup", []string{"default", "setup", "teardown", "handleSummary"}, "default", false},
		{"nothing", "Browse", []string{"readUser", "setup"}, "", true},
		{"ambiguous", "READUSER", []string{"readUser", "ReadUser", "default"}, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ResolveExec(c.class, c.exports)
			if c.err {
				if !errors.Is(err, ErrNoExec) {
					t.Fatalf("got %q, %v; want ErrNoExec", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// fakeVU counts iterations; an exec of "slow" takes until it is interrupted, "throw"
// throws, "finish" takes 30 ms and ignores interrupts.
type fakeVU struct {
	id          uint64
	iterations  atomic.Int64
	interrupted atomic.Int64
	mu          sync.Mutex
	execs       map[string]int
	tags        *metrics.TagSet
	setup       string
}

func (v *fakeVU) Activate(tags *metrics.TagSet, setupJSON string) error {
	v.mu.Lock()
	v.tags, v.setup = tags, setupJSON
	v.mu.Unlock()
	return nil
}

func (v *fakeVU) Iteration(ctx context.Context, exec string) error {
	v.mu.Lock()
	if v.execs == nil {
		v.execs = map[string]int{}
	}
	v.execs[exec]++
	v.mu.Unlock()
	switch exec {
	case "slow":
		<-ctx.Done()
		v.interrupted.Add(1)
		return errors.New("interrupted")
	case "throw":
		time.Sleep(time.Millisecond)
		return errors.New("Error: boom")
	case "finish":
		time.Sleep(30 * time.Millisecond)
	default:
		select {
		case <-ctx.Done():
			v.interrupted.Add(1)
			return errors.New("interrupted")
		case <-time.After(time.Millisecond):
		}
	}
	v.iterations.Add(1)
	return nil
}

type userFixture struct {
	users      *Users
	mu         sync.Mutex
	vus        []*fakeVU
	exceptions map[string]int
	failInit   atomic.Bool
}

func newUserFixture(exports ...string) *userFixture {
	f := &userFixture{exceptions: map[string]int{}}
	f.users = &Users{
		NewVU: func(id uint64) (VU, error) {
			if f.failInit.Load() {
				return nil, errors.New("init threw")
			}
			v := &fakeVU{id: id}
			f.mu.Lock()
			f.vus = append(f.vus, v)
			f.mu.Unlock()
			return v, nil
		},
		Exec: func(class string) (string, error) { return ResolveExec(class, exports) },
		Tags: func(class string) *metrics.TagSet { return metrics.NewTagSet(map[string]string{"scenario": class}) },
		OnException: func(class string, err error) {
			f.mu.Lock()
			f.exceptions[class+": "+err.Error()]++
			f.mu.Unlock()
		},
	}
	return f
}

func (f *userFixture) execs() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, v := range f.vus {
		v.mu.Lock()
		for e, n := range v.execs {
			out[e] += n
		}
		v.mu.Unlock()
	}
	return out
}

func TestUsersFollowTargets(t *testing.T) {
	f := newUserFixture("default", "fast", "throw")
	u := f.users
	u.SetSetupJSON(`{"people":100}`)
	if err := u.SetTarget(context.Background(), map[string]int{"Fast": 3, "Other": 2}, 0); err != nil {
		t.Fatal(err)
	}
	if c := u.Counts(); c["Fast"] != 3 || c["Other"] != 2 || u.Running() != 5 || u.Made() != 5 {
		t.Fatalf("counts %v running %d made %d", c, u.Running(), u.Made())
	}
	time.Sleep(30 * time.Millisecond)
	e := f.execs()
	if e["fast"] == 0 || e["default"] == 0 {
		t.Fatalf("execs %v: Fast runs fast(), Other the default function", e)
	}
	for _, v := range f.vus {
		v.mu.Lock()
		if v.setup != `{"people":100}` {
			t.Errorf("VU %d got setup data %q", v.id, v.setup)
		}
		v.mu.Unlock()
	}

	// Shrink one class and grow another: the stopped VUs serve the new users.
	if err := u.SetTarget(context.Background(), map[string]int{"Fast": 1, "Throw": 4}, 0); err != nil {
		t.Fatal(err)
	}
	if c := u.Counts(); c["Fast"] != 1 || c["Other"] != 0 || c["Throw"] != 4 || u.Made() != 5 {
		t.Fatalf("counts %v made %d: want VUs reused", c, u.Made())
	}
	time.Sleep(20 * time.Millisecond)
	u.StopAll(0)
	if u.Running() != 0 || len(u.Counts()) != 0 {
		t.Fatalf("after StopAll: %v", u.Counts())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.exceptions["Throw: Error: boom"] == 0 {
		t.Fatalf("exceptions %v", f.exceptions)
	}
	for k := range f.exceptions {
		if k != "Throw: Error: boom" {
			t.Errorf("an interrupted iteration counted as an exception: %s", k)
		}
	}
}

func TestUsersStopTimeout(t *testing.T) {
	t.Run("interrupts after the timeout", func(t *testing.T) {
		f := newUserFixture("slow")
		u := f.users
		_ = u.SetTarget(context.Background(), map[string]int{"Slow": 2}, 0)
		time.Sleep(10 * time.Millisecond)
		start := time.Now()
		u.StopAll(100 * time.Millisecond)
		if el := time.Since(start); el < 100*time.Millisecond || el > 2*time.Second {
			t.Fatalf("stopping took %s, want the 100ms timeout", el)
		}
		for _, v := range f.vus {
			if v.interrupted.Load() != 1 {
				t.Fatalf("VU %d interrupted %d times", v.id, v.interrupted.Load())
			}
		}
	})
	t.Run("lets an iteration finish within it", func(t *testing.T) {
		f := newUserFixture("finish")
		u := f.users
		_ = u.SetTarget(context.Background(), map[string]int{"Finish": 2}, 0)
		time.Sleep(5 * time.Millisecond)
		u.StopAll(5 * time.Second)
		for _, v := range f.vus {
			if v.iterations.Load() == 0 || v.interrupted.Load() != 0 {
				t.Fatalf("VU %d: %d iterations, %d interrupted", v.id, v.iterations.Load(), v.interrupted.Load())
			}
		}
	})
}

func TestUsersProblems(t *testing.T) {
	f := newUserFixture("readUser")
	err := f.users.SetTarget(context.Background(), map[string]int{"ReadUser": 2, "Browse": 3}, 0)
	if !errors.Is(err, ErrNoExec) {
		t.Fatalf("got %v, want ErrNoExec for Browse", err)
	}
	if c := f.users.Counts(); c["ReadUser"] != 2 || c["Browse"] != 0 {
		t.Fatalf("counts %v: the class with a function still runs", c)
	}
	f.failInit.Store(true)
	err = f.users.SetTarget(context.Background(), map[string]int{"ReadUser": 4}, 0)
	if err == nil || f.users.Counts()["ReadUser"] != 2 || f.users.Made() != 2 {
		t.Fatalf("got %v, counts %v, made %d", err, f.users.Counts(), f.users.Made())
	}
	f.users.StopAll(0)
}
