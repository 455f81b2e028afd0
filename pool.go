package neo4j

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

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

// Pool shares one driver per identity (user@uri) and password between every VU of a run.
// Each Acquire takes a reference and each Lease.Release gives it back; the driver is made on
// the first reference and closed when the last one is returned, or by Close at the end of
// the run.
// Safe for concurrent use: the refcounts and the closed flag live under one lock.
type Pool struct {
	newDriver DriverFactory

	mu      sync.Mutex
	gone    *sync.Cond // on mu: signalled when a reference is given back or a driver closed
	entries map[string]*poolEntry
	closed  bool
	refs    int // references held over all entries
	// closing counts the drivers that last releases are closing outside the lock: Close
	// waits for them too, so that the run ends with every driver closed.
	closing int

	created, closedDrivers atomic.Int64

	// samplerEnv is the run's sample stream, tags and logger for the server samplers, from
	// the first VU's init environment; samplerQueries, when set (tests), replaces their
	// queries. See sampler.go.
	samplerEnv     atomic.Pointer[samplerEnv]
	samplerQueries *samplerQueries
}

type poolEntry struct {
	key      string // poolKey: the identity and a keyed hash of the password
	target   Target
	settings Settings
	refs     int
	gone     bool // closed by Pool.Close: later releases must not close it again

	once   sync.Once
	driver neo4j.DriverWithContext
	err    error

	// Shared by the identity's calls across VUs: connections held and the login backoff.
	calls identityCalls

	// bookmarks is the identity's bookmark manager for clients with bookmarks: 'shared',
	// made on first use.
	bookmarksOnce sync.Once
	bookmarks     neo4j.BookmarkManager

	// The identity's server sampler (serverMetrics), made by the first connect() that asks
	// for one; stopped for good before the driver is closed.
	samplerMu      sync.Mutex
	sampler        *sampler
	samplerStopped bool
}

// SharedBookmarks is the bookmark manager of the lease's identity, shared by every VU of the
// run that connected with bookmarks: 'shared', so that one VU reads what another wrote.
func (l *Lease) SharedBookmarks() neo4j.BookmarkManager {
	e := l.entry
	e.bookmarksOnce.Do(func() { e.bookmarks = neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}) })
	return e.bookmarks
}

// NewPool returns an empty pool that makes drivers with f.
func NewPool(f DriverFactory) *Pool {
	p := &Pool{newDriver: f, entries: make(map[string]*poolEntry)}
	p.gone = sync.NewCond(&p.mu)
	return p
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

// poolSecret keys the hash of passwords in pool keys. It is random per process, so a key
// (which may show up in a heap dump or a debugger) says nothing about the password.
var poolSecret = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the process instead)
	return b
}()

// poolKey is the pool's key for an identity and secret: principal@uri and an HMAC-SHA256 of
// the auth scheme, realm, custom parameters and the secret (password, token, ticket or
// credentials). Another password for the same user@uri is another entry, verified on its
// own, so a wrong one fails instead of riding on a driver that logged in with the right one.
func poolKey(t Target, password string) string {
	m := hmac.New(sha256.New, poolSecret)
	m.Write(t.keyMaterial())
	m.Write([]byte(password))
	return t.Key() + "#" + hex.EncodeToString(m.Sum(nil))
}

// connectBound is how long connect() may take to make a driver and check it:
// connectionAcquisitionTimeout, as for any other wait for a connection. Without one (0)
// the socket's connect timeout and some time for the handshake bound it.
func connectBound(s Settings) time.Duration {
	if s.ConnectionAcquisitionTimeout > 0 {
		return s.ConnectionAcquisitionTimeout
	}
	return s.ConnectionTimeout + 5*time.Second
}

// Acquire returns a lease on the driver for target and password, making the driver (and
// checking that the server answers and accepts the credentials, within ctx and
// connectBound) if this is the first reference.
func (p *Pool) Acquire(ctx context.Context, target Target, password string, s Settings) (*Lease, error) {
	key := poolKey(target, password)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	e := p.entries[key]
	if e == nil {
		e = &poolEntry{key: key, target: target, settings: s}
		p.entries[key] = e
	} else if diff := settingsDiff(e.settings, s); diff != "" {
		p.mu.Unlock()
		return nil, fmt.Errorf("%w: %s for %s", ErrSettingsConflict, diff, target.Identity())
	}
	e.refs++
	p.refs++
	p.mu.Unlock()

	// The first holder makes the driver; the others wait for it here, outside the pool lock,
	// so a slow server for one identity does not hold up the others.
	e.once.Do(func() {
		d, err := p.newDriver(target, password, s)
		if err == nil {
			err = verify(ctx, d, target, s)
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

// verify checks that the server answers and accepts the credentials within bound, and
// closes d when it does not. A server that accepts TCP and then never answers must not hold
// connect() longer than bound, whatever the driver's own socket timeouts are: the check runs
// aside, and is given up (and its driver closed when it ends) once bound and a short grace
// have passed.
func verify(ctx context.Context, d neo4j.DriverWithContext, target Target, s Settings) error {
	bound := connectBound(s)
	vctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.VerifyConnectivity(vctx) }()
	var err error
	abandoned := false
	select {
	case err = <-done:
	case <-vctx.Done():
		grace := time.NewTimer(time.Second)
		select {
		case err = <-done:
		case <-grace.C:
			abandoned = true
			go func() { <-done; _ = d.Close(context.Background()) }()
			err = vctx.Err()
		}
		grace.Stop()
	}
	if err == nil {
		return nil
	}
	if !abandoned {
		_ = d.Close(context.Background())
	}
	if ctx.Err() == nil && errors.Is(vctx.Err(), context.DeadlineExceeded) {
		limit := "connectionAcquisitionTimeout"
		if s.ConnectionAcquisitionTimeout <= 0 {
			limit = "connectionTimeout + 5s, as connectionAcquisitionTimeout is 0"
		}
		return &QueryError{Code: CodeTimeout, Identity: target.Identity(), Err: context.DeadlineExceeded,
			Msg: fmt.Sprintf("connect() timed out: no Bolt session with %s within %s (%s)", target.URI(), bound, limit)}
	}
	return err
}

func (p *Pool) release(e *poolEntry) {
	p.mu.Lock()
	e.refs--
	p.refs--
	p.gone.Broadcast()
	last := e.refs == 0 && !e.gone
	if last && p.entries[e.key] == e {
		delete(p.entries, e.key)
	}
	if last {
		p.closing++
	}
	p.mu.Unlock()
	if last {
		p.closeDriver(e)
		p.mu.Lock()
		p.closing--
		p.gone.Broadcast()
		p.mu.Unlock()
	}
}

func (p *Pool) closeDriver(e *poolEntry) {
	// The sampler reads through the driver: it ends first.
	e.stopSampler()
	// once has run (Acquire waits for it before any release), so driver is settled.
	if e.driver != nil {
		_ = e.driver.Close(context.Background())
		p.closedDrivers.Add(1)
	}
}

// closeWait is how long Close waits for the references that ended VUs are giving back: a VU's
// end releases its lease from a goroutine of its own, and closing a driver under a session
// that is still being closed races inside the driver.
const closeWait = 2 * time.Second

// Close ends the pool at the end of a run: it waits up to closeWait for the leases still
// held to be given back, then closes every driver left (held by VUs that were never
// discarded); later Acquires fail.
func (p *Pool) Close() error {
	deadline := time.Now().Add(closeWait)
	wake := time.AfterFunc(closeWait, func() { p.mu.Lock(); p.gone.Broadcast(); p.mu.Unlock() })
	defer wake.Stop()
	p.mu.Lock()
	for (p.refs > 0 || p.closing > 0) && time.Now().Before(deadline) {
		p.gone.Wait()
	}
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
