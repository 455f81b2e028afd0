package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// countingDriver stands in for a driver in pool tests: the pool's bookkeeping is under test
// here, not the server (the integration tests use the real one).
type countingDriver struct {
	neo4j.DriverWithContext
	closes *atomic.Int64
	closed atomic.Bool
}

func (d *countingDriver) VerifyConnectivity(context.Context) error { return nil }
func (d *countingDriver) Close(context.Context) error {
	if d.closed.Swap(true) {
		panic("driver closed twice")
	}
	d.closes.Add(1)
	return nil
}

type countingFactory struct {
	made, closes atomic.Int64
	fail         error
}

func (f *countingFactory) new(Target, string, Settings) (neo4j.DriverWithContext, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	f.made.Add(1)
	return &countingDriver{closes: &f.closes}, nil
}

func target(t *testing.T, user string) Target {
	t.Helper()
	tg, err := ParseTarget("bolt://127.0.0.1:7687", user)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestPoolOneDriverPerIdentityUnderConcurrency(t *testing.T) {
	f := &countingFactory{}
	p := NewPool(f.new)
	ids := []Target{target(t, "neo4j"), target(t, "loadtest2")}
	const goroutines = 4000
	var wg sync.WaitGroup
	leases := make([]*Lease, goroutines)
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := p.Acquire(context.Background(), ids[i%2], "secret-pw", DefaultSettings())
			if err != nil {
				t.Error(err)
				return
			}
			leases[i] = l
			if i%3 == 0 { // some release at once, some later, some twice
				l.Release()
				l.Release()
			}
		}()
	}
	wg.Wait()
	if made := f.made.Load(); made < 2 {
		t.Fatalf("made %d drivers, want at least one per identity", made)
	}
	for i, l := range leases {
		if i%3 != 0 {
			wg.Add(1)
			go func() { defer wg.Done(); l.Release() }()
		}
	}
	wg.Wait()
	created, closed, open := p.Stats()
	if created != f.made.Load() || closed != created || open != 0 || f.closes.Load() != created {
		t.Fatalf("created %d closed %d open %d (factory made %d, closes %d): every driver made must be closed once", created, closed, open, f.made.Load(), f.closes.Load())
	}
}

func TestPoolKeepsDriverWhileReferenced(t *testing.T) {
	f := &countingFactory{}
	p := NewPool(f.new)
	id := target(t, "neo4j")
	a, err := p.Acquire(context.Background(), id, "pw", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		l, err := p.Acquire(context.Background(), id, "pw", DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		l.Release()
	}
	if f.made.Load() != 1 || f.closes.Load() != 0 {
		t.Fatalf("made %d closed %d while one lease is held; want 1 and 0", f.made.Load(), f.closes.Load())
	}
	a.Release()
	if f.closes.Load() != 1 {
		t.Fatalf("closed %d after the last release, want 1", f.closes.Load())
	}
}

func TestPoolCloseEndsLeakedLeases(t *testing.T) {
	f := &countingFactory{}
	p := NewPool(f.new)
	l, err := p.Acquire(context.Background(), target(t, "neo4j"), "pw", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if f.closes.Load() != 1 {
		t.Fatalf("Close closed %d drivers, want 1", f.closes.Load())
	}
	l.Release() // a VU discarded after the pool closed must not close again (countingDriver panics)
	if _, err := p.Acquire(context.Background(), target(t, "neo4j"), "pw", DefaultSettings()); !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("Acquire after Close: %v, want ErrPoolClosed", err)
	}
}

func TestPoolSettingsConflictNamesTheSetting(t *testing.T) {
	p := NewPool((&countingFactory{}).new)
	id := target(t, "neo4j")
	l, err := p.Acquire(context.Background(), id, "pw", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	other := DefaultSettings()
	other.MaxConnectionPoolSize = 7
	_, err = p.Acquire(context.Background(), id, "pw", other)
	if !errors.Is(err, ErrSettingsConflict) {
		t.Fatalf("got %v, want ErrSettingsConflict", err)
	}
	if want := "maxConnectionPoolSize: 100 != 7"; !contains(err.Error(), want) || !contains(err.Error(), "neo4j@127.0.0.1:7687") {
		t.Fatalf("error %q should name the setting (%q) and the identity", err, want)
	}
}

func TestPoolFailedCreationIsRetriedAndNamesIdentity(t *testing.T) {
	f := &countingFactory{fail: fmt.Errorf("connection refused")}
	p := NewPool(f.new)
	_, err := p.Acquire(context.Background(), target(t, "bob"), "hunter2-password", DefaultSettings())
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Identity != "bob@127.0.0.1:7687" {
		t.Fatalf("got %v, want a QueryError naming bob@127.0.0.1:7687", err)
	}
	if contains(err.Error(), "hunter2") {
		t.Fatal("the password leaked into the error")
	}
	f.fail = nil
	l, err := p.Acquire(context.Background(), target(t, "bob"), "pw", DefaultSettings())
	if err != nil {
		t.Fatalf("a later Acquire must try again: %v", err)
	}
	l.Release()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func BenchmarkPoolAcquireRelease(b *testing.B) {
	p := NewPool((&countingFactory{}).new)
	id, _ := ParseTarget("bolt://127.0.0.1:7687", "neo4j")
	hold, _ := p.Acquire(context.Background(), id, "pw", DefaultSettings())
	defer hold.Release()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l, err := p.Acquire(context.Background(), id, "pw", DefaultSettings())
			if err != nil {
				b.Fatal(err)
			}
			l.Release()
		}
	})
}

// passwordFactory makes drivers that accept only one password, as a server would.
type passwordFactory struct {
	countingFactory
	right string
}

type refusingDriver struct{ countingDriver }

func (d *refusingDriver) VerifyConnectivity(context.Context) error {
	return &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized", Msg: "The client is unauthorized due to authentication failure."}
}

func (f *passwordFactory) new(t Target, pw string, s Settings) (neo4j.DriverWithContext, error) {
	f.made.Add(1)
	if pw != f.right {
		return &refusingDriver{countingDriver{closes: &f.closes}}, nil
	}
	return &countingDriver{closes: &f.closes}, nil
}

// A second connect() for the same user@uri with another password is checked on its own:
// before, it silently shared the driver that logged in with the right one.
func TestPoolAnotherPasswordIsAnotherIdentityEntry(t *testing.T) {
	f := &passwordFactory{right: "right-pw-123"}
	p := NewPool(f.new)
	id := target(t, "neo4j")
	good, err := p.Acquire(context.Background(), id, "right-pw-123", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	defer good.Release()
	_, err = p.Acquire(context.Background(), id, "wrong-pw-456", DefaultSettings())
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Code != "Neo.ClientError.Security.Unauthorized" || contains(err.Error(), "wrong-pw") {
		t.Fatalf("another password: got %v, want Unauthorized without the password", err)
	}
	again, err := p.Acquire(context.Background(), id, "right-pw-123", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	again.Release()
	if again.Driver() != good.Driver() {
		t.Fatal("the same identity and password must share one driver")
	}
	if made, closes := f.made.Load(), f.closes.Load(); made != 2 || closes != 1 {
		t.Fatalf("made %d closed %d, want 2 and 1 (the refused one)", made, closes)
	}
}

func TestPoolKeyHoldsNoPassword(t *testing.T) {
	id := target(t, "neo4j")
	const pw = "Zq9-clear-text-password"
	k := poolKey(id, pw)
	if contains(k, pw) || contains(k, "Zq9") {
		t.Fatalf("pool key %q holds the password", k)
	}
	if !strings.HasPrefix(k, "neo4j@bolt://127.0.0.1:7687#") || k != poolKey(id, pw) || k == poolKey(id, pw+"x") || k == poolKey(id, "") {
		t.Fatalf("pool key %q: want user@uri#hash, stable for one password and different for another", k)
	}
	p := NewPool((&countingFactory{}).new)
	l, err := p.Acquire(context.Background(), id, pw, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := range p.entries {
		if contains(k, pw) {
			t.Fatalf("pool entry key %q holds the password", k)
		}
	}
}

// hangingDriver accepts the connection and never answers, and ignores its context as a
// driver stuck in a read without a deadline would.
type hangingDriver struct {
	countingDriver
	release chan struct{}
}

func (d *hangingDriver) VerifyConnectivity(context.Context) error {
	<-d.release
	return errors.New("released")
}

func TestPoolConnectIsBoundedByTheAcquisitionTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var closes atomic.Int64
	p := NewPool(func(Target, string, Settings) (neo4j.DriverWithContext, error) {
		return &hangingDriver{countingDriver{closes: &closes}, release}, nil
	})
	s := DefaultSettings()
	s.ConnectionTimeout = 30 * time.Second
	s.ConnectionAcquisitionTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err := p.Acquire(context.Background(), target(t, "neo4j"), "pw", s)
	el := time.Since(start)
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Code != CodeTimeout || !contains(err.Error(), "neo4j@127.0.0.1:7687") || !contains(err.Error(), "connectionAcquisitionTimeout") {
		t.Fatalf("got %v, want a timeout naming the identity and the setting", err)
	}
	if el > 300*time.Millisecond+5*time.Second {
		t.Fatalf("connect took %s with connectionAcquisitionTimeout 300ms", el)
	}
}

// The host closes the pool right after discarding the VUs, whose ends give their leases back
// from goroutines of their own: Close waits for them (up to closeWait) rather than closing a
// driver under a session that is still being closed.
func TestPoolCloseWaitsForLeasesBeingGivenBack(t *testing.T) {
	f := &countingFactory{}
	p := NewPool(f.new)
	l, err := p.Acquire(context.Background(), target(t, "neo4j"), "pw", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var released atomic.Bool
	go func() {
		time.Sleep(200 * time.Millisecond) // a VU's end, still closing its sessions
		released.Store(true)
		l.Release()
	}()
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !released.Load() {
		t.Fatal("Close returned before the lease being given back was released")
	}
	if el := time.Since(start); el > closeWait {
		t.Fatalf("Close took %s, more than closeWait", el)
	}
	if f.closes.Load() != 1 {
		t.Fatalf("closed %d drivers, want 1", f.closes.Load())
	}
}
