package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// tx runs readTx(fn, opts) / writeTx(fn, opts): fn gets a transaction whose run() executes
// queries in one managed transaction. The driver retries the whole function on transient
// errors, so fn runs again from the start; its return value from the attempt that commits is
// what readTx/writeTx return. Each tx.run is a query in the metrics; the transaction as a
// whole adds neo4j_tx_duration and neo4j_tx_retries.
func (c *Client) tx(call sobek.FunctionCall, mode queryMode, profile float64) sobek.Value {
	rt := c.vu.Runtime()
	fnName := map[queryMode]string{modeRead: "readTx", modeWrite: "writeTx"}[mode]
	state := c.vu.State()
	if state == nil {
		throw(rt, fmt.Errorf("neo4j: %s() cannot be called in the init context; call it in default(), setup() or teardown()", fnName))
	}
	c.refuseNested(rt, fnName)
	fn, ok := sobek.AssertFunction(call.Argument(0))
	if !ok {
		throw(rt, fmt.Errorf("neo4j: %s() needs a function as its first argument: %s((tx) => { tx.run(...) })", fnName, fnName))
	}
	opts, err := parseCallOptions(rt, call.Argument(1), fnName)
	if err != nil {
		throw(rt, err)
	}
	if opts.profile < 0 {
		opts.profile = profile // connect()'s share
	}
	db := c.database
	if opts.database != "" {
		db = opts.database
	}
	ctx, cancel := c.callContext(opts)
	defer cancel()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		throw(rt, &QueryError{Code: CodeUsage, Identity: c.identity, Msg: "the client is closed", Err: ErrPoolClosed})
	}
	c.inTx = fnName
	defer func() { c.inTx = "" }()
	sk := c.sessionKey(db, mode, opts)
	var result sobek.Value
	start := time.Now()
	work := func(tx neo4j.ExplicitTransaction) error {
		var lastQueryErr *QueryError
		var lastThrown *sobek.Object
		txObj := rt.NewObject()
		_ = txObj.Set("run", func(call sobek.FunctionCall) sobek.Value {
			cypher := call.Argument(0)
			if isUndefined(cypher) {
				throw(rt, errors.New("neo4j: tx.run() needs a Cypher query as its first argument"))
			}
			params, err := paramsFromJS(rt, call.Argument(1))
			if err != nil {
				throw(rt, err)
			}
			if err := refuseTxRunOptions(call.Argument(2), fnName); err != nil {
				throw(rt, err)
			}
			qopts, err := parseCallOptions(rt, call.Argument(2), "tx.run")
			if err != nil {
				throw(rt, err)
			}
			// tx.run's own profile share, else the transaction's (or connect()'s).
			text, share := cypher.String(), qopts.profile
			if share < 0 {
				share = opts.profile
			}
			run := text
			if pickProfile(share) {
				run = c.profileText(text)
			}
			out := c.measure(func(o *outcome) error { return o.collect(ctx)(tx.Run(ctx, run, params)) })
			if out.err != nil {
				out.err = describe(callError(ctx, out.err), c.target)
			}
			name, prof := c.emit(state, mode, db, text, mergeTags(opts.tags, qopts.tags), out)
			c.afterCall(name, db, text, params, sk, out, prof)
			if out.err != nil {
				errors.As(out.err, &lastQueryErr)
				lastThrown = jsError(rt, out.err)
				panic(lastThrown)
			}
			return c.resultObject(rt, out)
		})
		v, err := fn(sobek.Undefined(), txObj)
		if err != nil {
			var ex *sobek.Exception
			// A failed tx.run the script did not catch: the query's own error decides
			// whether the unit is retried.
			if lastThrown != nil && errors.As(err, &ex) && ex.Value() == lastThrown {
				return lastQueryErr.Err
			}
			return errNotRetried{err}
		}
		result = v
		return nil
	}
	attempts, err := c.runManaged(ctx, sk, c.settings.MaxTransactionRetryTime, c.txOptions(opts), work)
	elapsed := time.Since(start)
	var nr errNotRetried
	if err != nil && !errors.As(err, &nr) {
		err = describe(err, c.target)
	}
	c.emitTx(state, mode, db, opts.tags, elapsed, attempts, err)
	if err != nil {
		var ex *sobek.Exception
		if errors.As(err, &nr) && errors.As(nr.err, &ex) {
			panic(ex) // the script's own exception, as it was thrown
		}
		throw(rt, err)
	}
	if result == nil {
		return sobek.Undefined()
	}
	return result
}

func mergeTags(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	m := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

func (c *Client) emitTx(state *modules.State, mode queryMode, db string, userTags map[string]string, elapsed time.Duration, attempts int, err error) {
	name := userTags["name"]
	if name == "" {
		name = string(mode) + "Tx"
	}
	status := "ok"
	tags := state.Tags.WithMap(userTags).With("mode", string(mode)).With("name", name).
		With("db", db).With("identity", c.identity)
	if err != nil {
		status = "error"
		var nr errNotRetried
		code := "script_exception"
		if !errors.As(err, &nr) {
			code = errorCode(err)
		}
		tags = tags.With("error_code", code)
	}
	tags = tags.With("status", status)
	now := time.Now()
	retries := max(attempts-1, 0)
	metrics.PushIfNotDone(c.vu.Context(), state.Samples, metrics.Samples{
		{Metric: c.metrics.TxDuration, Tags: tags, Time: now, Value: ms(elapsed)},
		{Metric: c.metrics.TxRetries, Tags: tags, Time: now, Value: float64(retries)},
	})
}

// emitRetries counts the retries of a read() or write() that needed them.
func (c *Client) emitRetries(state *modules.State, mode queryMode, db string, userTags map[string]string, retries int) {
	tags := state.Tags.WithMap(userTags).With("mode", string(mode)).With("db", db).With("identity", c.identity)
	metrics.PushIfNotDone(c.vu.Context(), state.Samples, metrics.Sample{Metric: c.metrics.TxRetries, Tags: tags, Time: time.Now(), Value: float64(retries)})
}

// callContext is the VU's context, with the call's timeout when it has one. The timeout is
// the context's cause, and the context carries it, so that callError can tell it from the
// end of the VU.
func (c *Client) callContext(opts callOptions) (context.Context, context.CancelFunc) {
	if opts.timeout > 0 {
		return withCallTimeout(c.vu.Context(), opts.timeout)
	}
	return c.vu.Context(), func() {}
}

func withCallTimeout(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	d := &callDeadline{timeout: timeout}
	ctx, cancel := context.WithTimeoutCause(parent, timeout, d)
	d.at, _ = ctx.Deadline()
	return context.WithValue(ctx, callDeadlineKey{}, d), cancel
}

// callDeadline is the cause of a call context whose timeout passed.
type callDeadline struct {
	timeout time.Duration
	at      time.Time
}

type callDeadlineKey struct{}

func (d *callDeadline) Error() string {
	return fmt.Sprintf("the call's timeout (%s) expired", d.timeout)
}

// callTimeoutError is any failure of a call whose own timeout passed: the driver reports it in
// many ways (an acquisition or read timeout, a lost connection, a half-done Bolt handshake),
// but the cause is the same and so is the code.
type callTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *callTimeoutError) Error() string { return e.err.Error() }
func (e *callTimeoutError) Unwrap() error { return e.err }

// callError classifies err as the call's own timeout when ctx's deadline is what ended it.
// A server answer that has nothing to do with time (a Cypher error) keeps its code.
func callError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cd, _ := ctx.Value(callDeadlineKey{}).(*callDeadline)
	if cd == nil {
		return err
	}
	// The driver checks the deadline against the clock too, and can fail (with odd errors,
	// such as an empty list of Bolt versions from a read it skipped) a moment before the
	// context's timer fires: the clock decides, unless the VU ended first.
	if cause := context.Cause(ctx); cause != nil && cause != error(cd) {
		return err
	} else if cause == nil && time.Now().Before(cd.at) {
		return err
	}
	var ct *callTimeoutError
	var nr errNotRetried
	if errors.As(err, &ct) || errors.As(err, &nr) {
		return err
	}
	var n4 *neo4j.Neo4jError
	if errors.As(err, &n4) && !strings.Contains(n4.Code, ".Transaction.") {
		return err
	}
	return &callTimeoutError{timeout: cd.timeout, err: err}
}

// refuseTxRunOptions rejects the options that belong to the whole transaction: tx.run() runs
// in a transaction already begun on one database, with one timeout and one set of metadata.
func refuseTxRunOptions(v sobek.Value, fnName string) error {
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil // parseCallOptions reports a wrong type
	}
	var errs []error
	for _, k := range obj.Keys() {
		switch k {
		case "database", "timeout", "metadata", "impersonatedUser":
			errs = append(errs, fmt.Errorf("%w %q in tx.run(): it applies to the whole transaction; give it to %s(fn, {%s: ...}) instead (tx.run() takes only tags)",
				ErrInvalidOption, k, fnName, k))
		}
	}
	return errors.Join(errs...)
}

func (c *Client) txOptions(opts callOptions) []func(*neo4j.TransactionConfig) {
	var txOpts []func(*neo4j.TransactionConfig)
	if opts.timeout > 0 {
		txOpts = append(txOpts, neo4j.WithTxTimeout(opts.timeout))
	}
	if opts.metadata != nil {
		txOpts = append(txOpts, neo4j.WithTxMetadata(opts.metadata))
	}
	return txOpts
}
