package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The driver's errors as it builds them (its types are internal; the texts are its own).
func driverAcquisitionTimeout(cause string) error {
	return &neo4j.ConnectivityError{Inner: errors.New("Timeout while waiting for connection to any of [[127.0.0.1:7687]]: " + cause)}
}

func TestErrorCodesTellAFullPoolFromASilentServer(t *testing.T) {
	refused := &neo4j.ConnectivityError{Inner: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	reset := &neo4j.ConnectivityError{Inner: errors.New("read tcp 127.0.0.1:53412->127.0.0.1:7687: read: connection reset by peer")}
	readTimeout := &neo4j.ConnectivityError{Inner: errors.New("Timeout while reading from connection [server-side timeout hint: 1m0s, user-provided context deadline: N/A]: read tcp 127.0.0.1:1->127.0.0.1:7687: i/o timeout")}
	bolt := errors.New("none of the server offered Bolt versions are supported (offered: [])")
	for _, c := range []struct {
		name string
		err  error
		code string
	}{
		{"acquisition timeout while every connection is held", &acquireError{exhausted: true, err: driverAcquisitionTimeout("context deadline exceeded")}, CodePoolExhausted},
		{"acquisition timeout while connections were free (dial or handshake)", &acquireError{err: driverAcquisitionTimeout("context deadline exceeded")}, CodeTimeout},
		{"acquisition timeout outside a call (connect)", driverAcquisitionTimeout("context deadline exceeded"), CodeTimeout},
		{"dial timeout", driverAcquisitionTimeout("dial tcp 127.0.0.1:7687: i/o timeout"), CodeTimeout},
		{"read timeout", readTimeout, CodeTimeout},
		{"refused", refused, CodeConnectivity},
		{"reset", reset, CodeConnectivity},
		{"the call's own timeout, whatever the driver said", &callTimeoutError{timeout: 5 * time.Millisecond, err: bolt}, CodeTimeout},
		{"the call's own timeout over a pool error", &callTimeoutError{timeout: 5 * time.Millisecond, err: &acquireError{exhausted: true, err: driverAcquisitionTimeout("x")}}, CodeTimeout},
		{"server error", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, "Neo.ClientError.Statement.SyntaxError"},
		{"a QueryError keeps its code", &QueryError{Code: CodeUsage, Err: ErrPoolClosed}, CodeUsage},
	} {
		if got := errorCode(c.err); got != c.code {
			t.Errorf("%s: code %q, want %q", c.name, got, c.code)
		}
	}
}

func TestRetriedAsTheDriverDoesButNotAFullPoolNorTheCallsOwnTimeout(t *testing.T) {
	refused := &neo4j.ConnectivityError{Inner: errors.New("dial tcp 127.0.0.1:7699: connect: connection refused")}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused connection", refused, true},
		{"dial or handshake timeout", &acquireError{err: driverAcquisitionTimeout("context deadline exceeded")}, true},
		{"full pool", &acquireError{exhausted: true, err: driverAcquisitionTimeout("context deadline exceeded")}, false},
		{"the call's own timeout", &callTimeoutError{timeout: time.Millisecond, err: refused}, false},
		{"deadlock", &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}, true},
		{"wrong password", &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, false},
		{"script exception", errNotRetried{errors.New("boom")}, false},
	} {
		if got := retryable(c.err); got != c.want {
			t.Errorf("%s: retryable %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCallErrorMakesAnythingAfterTheCallsDeadlineATimeout(t *testing.T) {
	ctx, cancel := withCallTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	for _, err := range []error{
		errors.New("none of the server offered Bolt versions are supported (offered: [])"),
		&neo4j.ConnectivityError{Inner: errors.New("connection reset by peer")},
		&acquireError{exhausted: true, err: driverAcquisitionTimeout("context deadline exceeded")},
		&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"},
	} {
		if got := errorCode(callError(ctx, err)); got != CodeTimeout {
			t.Errorf("%v: code %q after the call's deadline, want timeout", err, got)
		}
	}
	syntax := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}
	if got := errorCode(callError(ctx, syntax)); got != syntax.Code {
		t.Errorf("a Cypher error keeps its code after the deadline: got %q", got)
	}
	// The end of the VU is not the call's timeout, even once the call's time has passed too.
	vu, end := context.WithCancel(context.Background())
	call, cancelCall := withCallTimeout(vu, 5*time.Millisecond)
	defer cancelCall()
	end()
	time.Sleep(10 * time.Millisecond)
	if got := errorCode(callError(call, context.Canceled)); got != CodeCanceled {
		t.Errorf("VU end: code %q, want canceled", got)
	}
	// The driver may give up a moment before the context's timer fires: the clock decides.
	early, cancelEarly := withCallTimeout(context.Background(), time.Hour)
	defer cancelEarly()
	early.Value(callDeadlineKey{}).(*callDeadline).at = time.Now()
	if got := errorCode(callError(early, errors.New("none of the server offered Bolt versions are supported (offered: [])"))); got != CodeTimeout {
		t.Errorf("failure at the deadline, before the timer fired: code %q, want timeout", got)
	}
}

func TestMessagesAreStableAcrossOccurrences(t *testing.T) {
	target := Target{Scheme: "bolt", Host: "127.0.0.1", Port: "7687", User: "neo4j"}
	readTimeout := func(deadline time.Time, port int) error {
		return &neo4j.ConnectivityError{Inner: fmt.Errorf("Timeout while reading from connection [server-side timeout hint: 0s, user-provided context deadline: %s]: read tcp 127.0.0.1:%d->127.0.0.1:7687: i/o timeout", deadline, port)}
	}
	reset := func(port int) error {
		return &neo4j.ConnectivityError{Inner: fmt.Errorf("read tcp 127.0.0.1:%d->127.0.0.1:7687: read: connection reset by peer [bolt-%d]", port, port)}
	}
	deadlock := func(tx int) error {
		return &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: fmt.Sprintf(
			"ForsetiClient[transactionId=%d, clientId=%d] can't acquire ExclusiveLock{owner=ForsetiClient[transactionId=%d, clientId=3]} on NODE(%d), because holders of that lock are waiting for ForsetiClient[transactionId=%d, clientId=%d].\n Wait list:ExclusiveLock[\nClient[%d] waits for []]",
			tx, tx+1, tx-1, tx*7, tx, tx+1, tx-1)}
	}
	// As Neo4j 2026 words it.
	cycle := func(tx int) error {
		return &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: fmt.Sprintf(
			"ForsetiClient[transactionId=%d, clientId=%d] can't acquire EXCLUSIVE NODE(%d) because it would form this deadlock wait cycle:\nNODE(%d)-[EXCLUSIVE_OWNER]->(tx:%d)-[WAITING_FOR_EXCLUSIVE]->(NODE(%d))-[EXCLUSIVE_OWNER]->(tx:%d)-[WAITING_FOR_EXCLUSIVE]->(NODE(%d))",
			tx, tx%7, tx*3, tx*3+1, tx, tx*3, tx+12, tx*3+1)}
	}
	for name, gen := range map[string]func(i int) error{
		"deadlock cycle": func(i int) error { return cycle(41372 + i) },
		"read timeout": func(i int) error {
			return readTimeout(time.Now().Add(time.Duration(i)*time.Millisecond+time.Duration(i)), 40000+i)
		},
		"reset":    func(i int) error { return reset(50000 + i) },
		"deadlock": func(i int) error { return deadlock(100 + i) },
		"call timeout": func(i int) error {
			return &callTimeoutError{timeout: 5 * time.Millisecond, err: readTimeout(time.Now(), 30000+i)}
		},
	} {
		distinct := map[string]bool{}
		for i := range 50 {
			distinct[describe(gen(i), target).Error()] = true
		}
		if len(distinct) != 1 {
			t.Errorf("%s: 50 occurrences gave %d distinct messages, e.g. %q", name, len(distinct), keys(distinct)[:2])
		}
		for m := range distinct {
			if strings.Contains(m, "2026-") || localPort.MatchString(m) || strings.Contains(m, "m=+") {
				t.Errorf("%s: unstable parts left in %q", name, m)
			}
		}
	}
}

var localPort = regexp.MustCompile(`:\d+->`)

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The backoff's bound, without a server: 20 callers hammering an identity whose logins are
// refused reach the driver a handful of times per window, not once per call, and each call
// still ends (with the refusal) instead of waiting for ever.
func TestAuthBackoffBoundsLoginsWhateverTheCallers(t *testing.T) {
	var b authBackoff
	refused := &neo4j.Neo4jError{Code: "Neo.ClientError.Security.AuthenticationRateLimit"}
	var mu sync.Mutex
	calls, failed := 0, 0
	stop := time.Now().Add(1500 * time.Millisecond)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				probe, err := b.enter(ctx)
				if err == nil {
					time.Sleep(time.Millisecond) // the login round trip
					err = refused
					b.report(probe, err)
				}
				cancel()
				mu.Lock()
				calls++
				if isAuthRefusal(err) {
					failed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	tried := b.loginAttempts()
	// Windows of 100, 200, 400, 800 ms fit in 1.5 s: the first burst of 20, then one probe
	// per window (a few more for probes racing a window's start).
	if tried > 30 {
		t.Fatalf("%d logins reached the server in 1.5 s from 20 callers, want at most 30", tried)
	}
	if calls < 40 || failed != calls {
		t.Fatalf("%d calls, %d failed with the refusal: every call must end, and fail as the login did", calls, failed)
	}
	// The first login that goes through ends the backoff for everyone.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		probe, err := b.enter(ctx)
		if err == nil {
			b.report(probe, nil)
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the backoff never let a probe through")
		}
	}
	start := time.Now()
	if probe, err := b.enter(ctx); err != nil || probe || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("after a successful login: probe %v, err %v, waited %v; want straight through", probe, err, time.Since(start))
	}
}

func TestAuthBackoffWaitHonoursTheCallsContext(t *testing.T) {
	var b authBackoff
	b.report(false, &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"})
	b.mu.Lock()
	b.delay, b.until = authBackoffMax, time.Now().Add(authBackoffMax)
	b.mu.Unlock()
	if !b.on.Load() {
		t.Fatal("a refusal did not start the backoff")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.enter(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %v: want the call's deadline, not the 5 s window", err, time.Since(start))
	}
}
