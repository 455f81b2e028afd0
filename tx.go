package neo4j

import (
	"context"
	"errors"
	"fmt"
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
func (c *Client) tx(call sobek.FunctionCall, mode queryMode) sobek.Value {
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
	attempts := 0
	var result sobek.Value
	var jsErr error // an exception the script threw (not a query failure): not retried
	start := time.Now()
	work := func(tx neo4j.ManagedTransaction) (any, error) {
		attempts++
		var lastQueryErr error
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
			qopts, err := parseCallOptions(rt, call.Argument(2), "tx.run")
			if err != nil {
				throw(rt, err)
			}
			out := c.measure(ctx, func(o *outcome) error { return o.collect(ctx)(tx.Run(ctx, cypher.String(), params)) })
			if out.err != nil {
				out.err = describe(out.err, c.target)
				lastQueryErr = out.err
			}
			c.emit(state, mode, db, cypher.String(), mergeTags(opts.tags, qopts.tags), out)
			if out.err != nil {
				throw(rt, out.err)
			}
			return c.resultObject(rt, out)
		})
		v, err := fn(sobek.Undefined(), txObj)
		if err != nil {
			var qe *QueryError
			// A failed tx.run the script did not catch: hand the driver the original error so
			// it can decide to retry.
			if lastQueryErr != nil && errors.As(lastQueryErr, &qe) {
				return nil, qe.Err
			}
			jsErr = err
			return nil, err
		}
		result = v
		return nil, nil
	}
	txOpts := c.txOptions(opts)
	s := c.session(db)
	if mode == modeRead {
		_, err = s.ExecuteRead(ctx, work, txOpts...)
	} else {
		_, err = s.ExecuteWrite(ctx, work, txOpts...)
	}
	elapsed := time.Since(start)
	if err != nil && jsErr == nil {
		err = describe(err, c.target)
	}
	c.emitTx(state, mode, db, opts.tags, elapsed, attempts, err)
	if err != nil {
		if jsErr != nil {
			var ex *sobek.Exception
			if errors.As(jsErr, &ex) {
				panic(ex) // rethrow the script's own exception as it was
			}
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
		tags = tags.With("error_code", errorCode(err))
	}
	tags = tags.With("status", status)
	now := time.Now()
	retries := max(attempts-1, 0)
	metrics.PushIfNotDone(c.vu.Context(), state.Samples, metrics.Samples{
		{Metric: c.metrics.TxDuration, Tags: tags, Time: now, Value: ms(elapsed)},
		{Metric: c.metrics.TxRetries, Tags: tags, Time: now, Value: float64(retries)},
	})
}

// callContext is the VU's context, with the call's timeout when it has one.
func (c *Client) callContext(opts callOptions) (context.Context, context.CancelFunc) {
	if opts.timeout > 0 {
		return context.WithTimeout(c.vu.Context(), opts.timeout)
	}
	return c.vu.Context(), func() {}
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
