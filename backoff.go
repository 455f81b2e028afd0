package neo4j

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// identityCalls is what the calls of one identity share, across every VU that holds a lease
// on its driver.
type identityCalls struct {
	// busy counts the calls holding one of the driver's connections right now. The driver
	// reports "Timeout while waiting for connection" both when every connection is in use and
	// when a new connection's dial or Bolt handshake times out; only this count tells a full
	// pool from a server that does not answer.
	busy atomic.Int64

	auth authBackoff
}

// Login backoff: a server that refuses an identity's login (a wrong password, or the
// AuthenticationRateLimit lock that follows a few failures, e.g. after a restart) would
// otherwise see a failed login per call, hundreds per second under load, which keeps the
// account locked. After a refusal the identity's calls wait for a window to end; then one
// call (the probe) tries to log in while the others wait for its outcome. A refused probe
// fails the waiting calls with the same error without another login and opens a window twice
// as long; a probe that gets a connection ends the backoff.
const (
	authBackoffFirst = 100 * time.Millisecond
	authBackoffMax   = 5 * time.Second
)

type authBackoff struct {
	mu      sync.Mutex
	delay   time.Duration // length of the current window; 0 when logins go through
	until   time.Time     // end of the current window
	gen     uint64        // bumped when a new window opens or the backoff ends
	probing bool          // a call is trying to log in after the window ended
	changed chan struct{} // closed (and replaced) on every change waiters care about
	lastErr error         // the latest refusal, given to the calls a refused probe fails

	// on mirrors delay != 0, so that calls pass without taking mu while logins go through:
	// every call of every VU of the identity comes here.
	on atomic.Bool

	// tried counts the calls let through to the driver (tests compare it with the calls made).
	tried atomic.Int64
}

// isAuthRefusal reports whether err is the server refusing a login.
func isAuthRefusal(err error) bool {
	var n4 *neo4j.Neo4jError
	if !errors.As(err, &n4) {
		return false
	}
	return n4.Code == "Neo.ClientError.Security.Unauthorized" || n4.Code == "Neo.ClientError.Security.AuthenticationRateLimit"
}

// loggedIn reports whether the step that takes a connection got past the login: it
// succeeded, or the server answered with an error about something else (a Cypher error from
// an auto-commit Run, an unknown database).
func loggedIn(err error) bool {
	if err == nil {
		return true
	}
	var n4 *neo4j.Neo4jError
	return errors.As(err, &n4) && !strings.HasPrefix(n4.Code, "Neo.ClientError.Security.")
}

// wake tells every waiter that the state changed. Called with mu held.
func (b *authBackoff) wake() {
	if b.changed != nil {
		close(b.changed)
	}
	b.changed = make(chan struct{})
}

// enter lets a call through to the driver, possibly after waiting for the backoff window to
// end. probe is true when the call is the one login attempt after a window; it must then
// report its outcome. An error means the call must not reach the driver: ctx ended while it
// waited, or the probe it waited for was refused (the error is that refusal).
func (b *authBackoff) enter(ctx context.Context) (probe bool, err error) {
	if !b.on.Load() {
		b.tried.Add(1)
		return false, nil
	}
	b.mu.Lock()
	if b.delay == 0 {
		b.mu.Unlock()
		b.tried.Add(1)
		return false, nil
	}
	gen := b.gen
	for {
		switch {
		case b.delay == 0:
			b.mu.Unlock()
			b.tried.Add(1)
			return false, nil
		case b.gen != gen:
			err := b.lastErr
			b.mu.Unlock()
			return false, err
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		changed := b.changed
		wait := time.Until(b.until)
		if wait <= 0 && !b.probing {
			b.probing = true
			b.mu.Unlock()
			b.tried.Add(1)
			return true, nil
		}
		b.mu.Unlock()
		var timer *time.Timer
		var expired <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			expired = timer.C
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-changed:
		case <-expired:
		}
		if timer != nil {
			timer.Stop()
		}
		if err != nil {
			return false, err
		}
		b.mu.Lock()
	}
}

// report records what happened to a call's login: err is the error of the step that takes a
// connection (nil when it got one). Every call that entered reports, so a refusal by any of
// them opens the backoff and a success by any of them ends it.
func (b *authBackoff) report(probe bool, err error) {
	ok := loggedIn(err)
	if ok && !probe && !b.on.Load() {
		return // the common case: nothing to change
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case ok:
		if b.delay != 0 {
			b.delay = 0
			b.on.Store(false)
			b.gen++
			b.wake()
		}
	case isAuthRefusal(err):
		b.lastErr = err
		now := time.Now()
		if b.delay != 0 && now.Before(b.until) {
			break // a call that started before the window: the window already counts it
		}
		b.delay = min(max(b.delay*2, authBackoffFirst), authBackoffMax)
		b.on.Store(true)
		b.until = now.Add(b.delay)
		b.gen++
		b.wake()
	}
	if probe {
		// Any other outcome (the server is down, the call's time ran out) says nothing about
		// the credentials: the next call waiting after the window tries instead.
		b.probing = false
		b.wake()
	}
}

// loginAttempts gives the number of calls let through to the driver; for tests.
func (b *authBackoff) loginAttempts() int64 { return b.tried.Load() }

// shared is the state of the client's identity.
func (c *Client) shared() *identityCalls { return &c.lease.entry.calls }

// connectionTaken is called after the step that takes a connection from the driver's pool
// (BeginTransaction, or Run for an auto-commit query) failed. An acquisition timeout is a
// full pool only when every connection was held by a call; otherwise the connection being
// made did not answer in time.
func (c *Client) connectionTaken(err error) error {
	if !isAcquisitionTimeout(err) {
		return err
	}
	size := c.settings.MaxConnectionPoolSize
	busy := c.shared().busy.Load()
	return &acquireError{
		exhausted: size > 0 && busy >= int64(size),
		size:      size,
		wait:      c.settings.ConnectionAcquisitionTimeout,
		dial:      c.settings.ConnectionTimeout,
		err:       err,
	}
}

// acquireError is a connection the driver could not hand out within
// connectionAcquisitionTimeout, classified by whether the pool was full.
type acquireError struct {
	exhausted bool
	size      int
	wait      time.Duration // connectionAcquisitionTimeout
	dial      time.Duration // connectionTimeout, which bounds the TCP connect alone
	err       error
}

func (e *acquireError) Error() string { return e.err.Error() }
func (e *acquireError) Unwrap() error { return e.err }

// The driver reports an acquisition timeout only in its message text.
func isAcquisitionTimeout(err error) bool {
	s := err.Error()
	return strings.Contains(s, "acquisition timeout") || strings.Contains(s, "Timeout while waiting for connection")
}
