package js_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/sobek"
	gneo4j "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/builtin"
	"github.com/xk6-neo4j/xk6-neo4j/internal/engine"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6mod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/loader"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// benchConcurrency is the number of VUs / goroutines on both sides.
const benchConcurrency = 8

const benchQuery = "RETURN $x AS x"

// cpuTime is this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs b.N calls of one over benchConcurrency workers and reports client CPU per
// query and throughput; bench/compare turns the two sub-benchmarks into ratios.
func measure(b *testing.B, workers []func() error) {
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0, t0 := cpuTime(), time.Now()
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if err := w(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cpu, wall := cpuTime()-cpu0, time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/query")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "queries/s")
}

// BenchmarkReadQuery runs one read query through the driver directly and through a JS
// script in the host, same server, same concurrency, same run.
func BenchmarkReadQuery(b *testing.B) {
	srv := testenv.RequireNeo4j(b)
	b.Run("direct", func(b *testing.B) {
		tg, _ := neo4j.ParseTarget(srv.URI, "neo4j")
		d, err := neo4j.NewDriver(tg, srv.Password, neo4j.DefaultSettings())
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close(context.Background())
		ctx := context.Background()
		workers := make([]func() error, benchConcurrency)
		for i := range workers {
			// One session per worker, as the module keeps one per VU.
			s := d.NewSession(ctx, gneo4j.SessionConfig{DatabaseName: "neo4j"})
			defer s.Close(ctx)
			params := map[string]any{"x": int64(1)}
			workers[i] = func() error {
				_, err := s.ExecuteRead(ctx, func(tx gneo4j.ManagedTransaction) (any, error) {
					r, err := tx.Run(ctx, benchQuery, params)
					if err != nil {
						return nil, err
					}
					recs, err := r.Collect(ctx)
					if err != nil {
						return nil, err
					}
					_, err = r.Consume(ctx)
					return recs, err
				})
				return err
			}
		}
		measure(b, workers)
	})
	b.Run("js", func(b *testing.B) {
		dir := b.TempDir()
		script := filepath.Join(dir, "read.js")
		src := `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });
export default function () { const r = db.read('` + benchQuery + `', { x: 1 }); if (r.records[0].x !== 1) throw new Error('wrong'); }`
		if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		bundle, err := loader.Load(script)
		if err != nil {
			b.Fatal(err)
		}
		reg := metrics.NewRegistry()
		bm, _ := builtin.Register(reg)
		eng := engine.New(1 << 16)
		root := neo4j.New()
		mods := map[string]modules.Module{"k6": k6mod.New(), "k6/x/neo4j": root}
		env := map[string]string{"NEO4J_URI": srv.URI, "NEO4J_PASSWORD": srv.Password}
		runner, err := js.NewRunner(bundle, mods, reg, bm, env, slog.New(slog.NewTextHandler(io.Discard, nil)), eng.In())
		if err != nil {
			b.Fatal(err)
		}
		eng.Start()
		workers := make([]func() error, benchConcurrency)
		var vus []*js.VU
		for i := range workers {
			vu, err := runner.NewVU(uint64(i + 1))
			if err != nil {
				b.Fatal(err)
			}
			vus = append(vus, vu)
			if err := vu.Activate(metrics.NewTagSet(map[string]string{"scenario": "default"}), ""); err != nil {
				b.Fatal(err)
			}
			workers[i] = func() error { return vu.Iteration(context.Background(), "default") }
		}
		measure(b, workers)
		for _, vu := range vus {
			vu.Discard()
		}
		_ = root.Close()
		eng.Stop()
	})
}

// BenchmarkIteration is the host's cost per iteration of an empty default function (state,
// __ITER, interruption set-up, three samples into the engine) against calling the same
// function on a bare sobek runtime.
func BenchmarkIteration(b *testing.B) {
	dir := b.TempDir()
	script := filepath.Join(dir, "empty.js")
	if err := os.WriteFile(script, []byte(`export default function () {}`), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("host", func(b *testing.B) {
		bundle, err := loader.Load(script)
		if err != nil {
			b.Fatal(err)
		}
		reg := metrics.NewRegistry()
		bm, _ := builtin.Register(reg)
		eng := engine.New(1 << 16)
		runner, err := js.NewRunner(bundle, map[string]modules.Module{}, reg, bm, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), eng.In())
		if err != nil {
			b.Fatal(err)
		}
		eng.Start()
		defer eng.Stop()
		vu, err := runner.NewVU(1)
		if err != nil {
			b.Fatal(err)
		}
		defer vu.Discard()
		if err := vu.Activate(metrics.NewTagSet(map[string]string{"scenario": "default"}), ""); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := vu.Iteration(ctx, "default"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-sobek", func(b *testing.B) {
		rt := sobek.New()
		v, err := rt.RunString(`(function () {})`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := sobek.AssertFunction(v)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := fn(sobek.Undefined()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
