package neo4j

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Our own retry loop for managed transactions instead of the driver's ExecuteRead/Write:
// the driver also retries a full connection pool (v5.28.4 counts the acquisition timeout as
// retryable), so a saturated pool would look like calls that hang for maxTransactionRetryTime.
// Here pool exhaustion fails at once, within connectionAcquisitionTimeout, as a counted
// error; what the driver would retry otherwise (transient server errors, lost or refused
// connections, a connection that timed out while being made) is retried with backoff, and the
// number of attempts is known, for neo4j_tx_retries. A call whose own timeout expired is not
// retried.

const (
	retryFirstDelay = 50 * time.Millisecond
	retryMaxDelay   = time.Second
)

// errNotRetried marks an error from the script's own code (a JS exception in readTx/writeTx):
// the transaction rolls back and the error goes to the script as it is.
type errNotRetried struct{ err error }

func (e errNotRetried) Error() string { return e.err.Error() }
func (e errNotRetried) Unwrap() error { return e.err }

// retryable says whether a failed attempt may be tried again.
func retryable(err error) bool {
	var nr errNotRetried
	if errors.As(err, &nr) || errorCode(err) == CodePoolExhausted {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ct *callTimeoutError
	if errors.As(err, &ct) {
		return false
	}
	// The driver's own rules, applied to its own error (it looks at the error's type, not
	// through wrappers): connectivity errors, its acquisition and read timeouts included, and
	// transient server errors.
	var acq *acquireError
	if errors.As(err, &acq) {
		err = acq.err
	}
	return neo4j.IsRetryable(err)
}

// runManaged runs work in a transaction of the session sk and commits it,
// trying the whole unit again on retryable errors until maxRetry has passed. It returns the
// number of attempts.
func (c *Client) runManaged(ctx context.Context, sk sessionKey, maxRetry time.Duration,
	txOpts []func(*neo4j.TransactionConfig), work func(neo4j.ExplicitTransaction) error,
) (int, error) {
	s, done := c.session(sk)
	defer done()
	start := time.Now()
	delay := retryFirstDelay
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, s, txOpts, work)
		if err == nil || ctx.Err() != nil || !retryable(err) || time.Since(start)+delay > maxRetry {
			return attempt, callError(ctx, err)
		}
		// Jitter of ±20% keeps VUs that failed together from retrying together.
		wait := time.Duration(float64(delay) * (0.8 + 0.4*rand.Float64()))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, callError(ctx, err)
		case <-t.C:
		}
		delay = min(delay*2, retryMaxDelay)
	}
}

func (c *Client) attempt(ctx context.Context, s neo4j.SessionWithContext, txOpts []func(*neo4j.TransactionConfig),
	work func(neo4j.ExplicitTransaction) error,
) error {
	calls := c.shared()
	probe, err := calls.auth.enter(ctx)
	if err != nil {
		return err
	}
	tx, err := s.BeginTransaction(ctx, txOpts...)
	calls.auth.report(probe, err)
	if err != nil {
		return c.connectionTaken(err)
	}
	calls.busy.Add(1)
	defer calls.busy.Add(-1)
	if err := work(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return tx.Commit(ctx)
}

// runAuto runs an auto-commit query on s and reads its result into o. It is not retried: the
// driver does not retry auto-commit queries either, since they may have partly run.
func (c *Client) runAuto(ctx context.Context, s neo4j.SessionWithContext, cypher string, params map[string]any,
	txOpts []func(*neo4j.TransactionConfig), o *outcome,
) error {
	calls := c.shared()
	probe, err := calls.auth.enter(ctx)
	if err != nil {
		return callError(ctx, err)
	}
	r, err := s.Run(ctx, cypher, params, txOpts...)
	calls.auth.report(probe, err)
	if err != nil {
		return callError(ctx, c.connectionTaken(err))
	}
	calls.busy.Add(1)
	defer calls.busy.Add(-1)
	return callError(ctx, o.collect(ctx)(r, nil))
}
