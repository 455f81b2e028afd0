// Command direct is the baseline of bench/compare: the read query of bench/read.js, run with
// the Neo4j Go driver called directly, by the same number of goroutines for the same time,
// each with its own session (as each VU of xk6-neo4j has). It prints how many queries ran.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	gneo4j "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
)

func main() {
	conc := flag.Int("c", 8, "concurrent goroutines")
	dur := flag.Duration("d", 10*time.Second, "how long to run")
	flag.Parse()
	// The same target parsing and driver settings as the module, so only the path differs.
	tg, err := neo4j.ParseTarget(os.Getenv("NEO4J_URI"), "neo4j")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d, err := neo4j.NewDriver(tg, os.Getenv("NEO4J_PASSWORD"), neo4j.DefaultSettings())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var n, failed atomic.Int64
	var wg sync.WaitGroup
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := d.NewSession(context.Background(), gneo4j.SessionConfig{DatabaseName: "neo4j"})
			defer s.Close(context.Background())
			params := map[string]any{"x": int64(1)}
			for ctx.Err() == nil {
				_, err := s.ExecuteRead(context.Background(), func(tx gneo4j.ManagedTransaction) (any, error) {
					r, err := tx.Run(context.Background(), "RETURN $x AS x", params)
					if err != nil {
						return nil, err
					}
					recs, err := r.Collect(context.Background())
					if err != nil {
						return nil, err
					}
					_, err = r.Consume(context.Background())
					return recs, err
				})
				if err != nil {
					failed.Add(1)
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	_ = d.Close(context.Background())
	fmt.Printf("queries %d failed %d\n", n.Load(), failed.Load())
}
