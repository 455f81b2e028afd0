package js_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

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

// BenchmarkProfileCost is what the profile option costs: one read over 200 nodes through a
// JS script in the host, with connect()'s profile off, 0.01 and 1, same server and
// concurrency; client CPU per query and throughput (so latency, at fixed concurrency). Run
// with -count to alternate the three:
//
//	go test -run '^$' -bench ProfileCost -count 5 ./internal/js/
func BenchmarkProfileCost(b *testing.B) {
	srv := testenv.RequireNeo4j(b)
	ctx := context.Background()
	d, err := gneo4j.NewDriverWithContext(srv.URI, gneo4j.BasicAuth("neo4j", srv.Password, ""))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(ctx)
	if _, err := gneo4j.ExecuteQuery(ctx, d, "UNWIND range(0, 199) AS i MERGE (:BenchProfile {id: i})", nil,
		gneo4j.EagerResultTransformer, gneo4j.ExecuteQueryWithDatabase("neo4j")); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	script := filepath.Join(dir, "profile.js")
	src := `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD, profile: Number(__ENV.PROFILE) });
export default function () {
  const r = db.read('MATCH (n:BenchProfile) WHERE n.id < $max RETURN n.id AS id', { max: 10 }, { tags: { name: 'bench' } });
  if (r.count !== 10) throw new Error('wrong');
}`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, share := range []string{"off", "0.01", "1"} {
		b.Run("profile="+share, func(b *testing.B) {
			bundle, err := loader.Load(script)
			if err != nil {
				b.Fatal(err)
			}
			reg := metrics.NewRegistry()
			bm, _ := builtin.Register(reg)
			eng := engine.New(1 << 16)
			root := neo4j.New()
			mods := map[string]modules.Module{"k6": k6mod.New(), "k6/x/neo4j": root}
			p := share
			if p == "off" {
				p = "0"
			}
			env := map[string]string{"NEO4J_URI": srv.URI, "NEO4J_PASSWORD": srv.Password, "PROFILE": p}
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
			b.ReportAllocs()
			measure(b, workers)
			for _, vu := range vus {
				vu.Discard()
			}
			_ = root.Close()
			eng.Stop()
		})
	}
}
