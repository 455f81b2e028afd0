package neo4j

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DriverFactory makes the driver of one identity. The pool calls it once per identity per
// run; tests inject one that counts.
type DriverFactory func(target Target, password string, s Settings) (neo4j.DriverWithContext, error)

// ErrPoolClosed is returned by Acquire after the run's pool has been closed.
var ErrPoolClosed = errors.New("neo4j: the driver pool is closed (the test run has ended)")

// ErrSettingsConflict is returned when one identity is asked for with other driver settings
// than the ones its driver was made with.
var ErrSettingsConflict = errors.New("neo4j: the same identity was connected with different driver settings")

// Pool shares one driver per identity (user@uri) between every VU of a run. Each Acquire
// takes a reference and each Lease.Release gives it back; the driver is made on the first
// reference and closed when the last one is returned, or by Close at the end of the run.
// Safe for concurrent use: the refcounts and the closed flag live under one lock.
type Pool struct {
	newDriver DriverFactory

	mu      sync.Mutex
	entries map[string]*poolEntry
	closed  bool

	created, closedDrivers atomic.Int64
}

type poolEntry struct {
	target   Target
	settings Settings
	refs     int
	gone     bool // closed by Pool.Close: later releases must not close it again

	once   sync.Once
	driver neo4j.DriverWithContext
	err    error
}

// NewPool returns an empty pool that makes drivers with f.
func NewPool(f DriverFactory) *Pool {
	return &Pool{newDriver: f, entries: make(map[string]*poolEntry)}
}

// Lease is one reference to a pooled driver.
type Lease struct {
	pool  *Pool
	entry *poolEntry
	once  sync.Once
}

// Driver returns the leased driver.
func (l *Lease) Driver() neo4j.DriverWithContext { return l.entry.driver }

// Release gives the reference back. Calling it again does nothing.
func (l *Lease) Release() {
	l.once.Do(func() { l.pool.release(l.entry) })
}

// Acquire returns a lease on the driver for target, making the driver (and checking that
// the server answers and accepts the credentials, within ctx) if this is the first reference.
func (p *Pool) Acquire(ctx context.Context, target Target, password string, s Settings) (*Lease, error) {
	key := target.Key()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	e := p.entries[key]
	if e == nil {
		e = &poolEntry{target: target, settings: s}
		p.entries[key] = e
	} else if diff := settingsDiff(e.settings, s); diff != "" {
		p.mu.Unlock()
		return nil, fmt.Errorf("%w: %s for %s", ErrSettingsConflict, diff, target.Identity())
	}
	e.refs++
	p.mu.Unlock()

	// The first holder makes the driver; the others wait for it here, outside the pool lock,
	// so a slow server for one identity does not hold up the others.
	e.once.Do(func() {
		d, err := p.newDriver(target, password, s)
		if err == nil {
			if err = d.VerifyConnectivity(ctx); err != nil {
				_ = d.Close(context.Background())
			}
		}
		if err != nil {
			e.err = describe(err, target)
			return
		}
		e.driver = d
		p.created.Add(1)
	})
	if e.err != nil {
		p.release(e)
		return nil, e.err
	}
	return &Lease{pool: p, entry: e}, nil
}

func (p *Pool) release(e *poolEntry) {
	p.mu.Lock()
	e.refs--
	last := e.refs == 0 && !e.gone
	if last && p.entries[e.target.Key()] == e {
		delete(p.entries, e.target.Key())
	}
	p.mu.Unlock()
	if last {
		p.closeDriver(e)
	}
}

func (p *Pool) closeDriver(e *poolEntry) {
	// once has run (Acquire waits for it before any release), so driver is settled.
	if e.driver != nil {
		_ = e.driver.Close(context.Background())
		p.closedDrivers.Add(1)
	}
}

// Close ends the pool at the end of a run: drivers still referenced (by VUs that were never
// discarded) are closed, and later Acquires fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	left := make([]*poolEntry, 0, len(p.entries))
	for k, e := range p.entries {
		left = append(left, e)
		delete(p.entries, k)
		e.gone = true
	}
	p.mu.Unlock()
	for _, e := range left {
		e.once.Do(func() { e.err = ErrPoolClosed })
		p.closeDriver(e)
	}
	return nil
}

// Stats reports how many drivers the pool has made and closed, and how many are open now.
func (p *Pool) Stats() (created, closed int64, open int) {
	p.mu.Lock()
	open = len(p.entries)
	p.mu.Unlock()
	return p.created.Load(), p.closedDrivers.Load(), open
}

// settingsDiff names the first driver setting that differs, as `maxConnectionPoolSize: 10
// != 20`, or returns "".
func settingsDiff(a, b Settings) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := range t.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return fmt.Sprintf("%s: %v != %v", t.Field(i).Tag.Get("js"), va.Field(i).Interface(), vb.Field(i).Interface())
		}
	}
	return ""
}
