package testenv

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// WatchForeignTransactions polls srv, until the returned function is called, for
// transactions running a query that is neither the test's (metadata xk6test: mine, or a
// query naming mine, such as the inner transactions of a CALL IN TRANSACTIONS) nor the
// tool's own (metadata key xk6neo4j), and returns the most it saw at once: the transactions
// of other tests (go test runs packages in parallel against one server), which a
// server-wide count such as neo4j_server_transactions_running includes.
func WatchForeignTransactions(tb testing.TB, srv Neo4j, mine string) func() int64 {
	tb.Helper()
	d, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth("neo4j", srv.Password, ""))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var most atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { _ = d.Close(context.Background()) }()
		s := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j"})
		defer func() { _ = s.Close(context.Background()) }()
		for ctx.Err() == nil {
			// The watcher marks its own transaction as the tool does, so that neither the
			// sampler nor the watcher counts it.
			res, err := s.Run(ctx, "SHOW TRANSACTIONS YIELD metaData, currentQuery WHERE metaData.xk6neo4j IS NULL AND coalesce(metaData.xk6test, '') <> $mine "+
				"AND coalesce(currentQuery, '') <> '' AND NOT currentQuery CONTAINS $mine RETURN count(*) AS n",
				map[string]any{"mine": mine}, neo4j.WithTxMetadata(map[string]any{"xk6neo4j": "test-watcher"}))
			if err == nil {
				if rec, err := res.Single(ctx); err == nil {
					n, _ := rec.Values[0].(int64)
					if n > most.Load() {
						most.Store(n)
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	stop := sync.OnceFunc(func() { cancel(); <-done })
	tb.Cleanup(stop)
	return func() int64 { stop(); return most.Load() }
}
