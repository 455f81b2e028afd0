package neo4j

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// attr is a JMX attribute as dbms.queryJmx returns it.
func attr(v any) map[string]any { return map[string]any{"description": "d", "value": v} }

func bean(name string, attrs map[string]any) *neo4j.Record {
	return &neo4j.Record{Keys: []string{"name", "attributes"}, Values: []any{name, attrs}}
}

// communityJMX is what a Community server (2026.08 and 5.26 alike) answers to the JMX query,
// trimmed to the attributes read and one that is not.
func communityJMX(cpu float64, gcCount, gcTime int64) []*neo4j.Record {
	return []*neo4j.Record{
		bean("java.lang:type=OperatingSystem", map[string]any{"ProcessCpuLoad": attr(cpu), "SystemCpuLoad": attr(0.9)}),
		bean("java.lang:type=Memory", map[string]any{"HeapMemoryUsage": attr(map[string]any{
			"description": "java.lang.management.MemoryUsage",
			"properties":  map[string]any{"committed": int64(805306368), "init": int64(805306368), "max": int64(805306368), "used": int64(118165248)},
		})}),
		bean("java.lang:name=G1 Young Generation,type=GarbageCollector", map[string]any{"CollectionCount": attr(gcCount), "CollectionTime": attr(gcTime)}),
		bean("java.lang:name=G1 Old Generation,type=GarbageCollector", map[string]any{"CollectionCount": attr(int64(0)), "CollectionTime": attr(int64(0))}),
		bean("java.lang:name=G1 Concurrent GC,type=GarbageCollector", map[string]any{"CollectionCount": attr(int64(8)), "CollectionTime": attr(int64(-1))}),
		bean("java.lang:type=Threading", map[string]any{"ThreadCount": attr(int64(46))}),
		// With the 'java.lang:*' pattern (system database) pools come too: not the Memory bean.
		bean("java.lang:name=G1 Eden Space,type=MemoryPool", map[string]any{"Usage": attr(map[string]any{"properties": map[string]any{"used": int64(1)}})}),
	}
}

func TestParseJVMReadsCommunityBeans(t *testing.T) {
	j := parseJVM(communityJMX(0.25, 16, 120))
	want := jvmReading{cpu: 0.25, cpuOK: true, heapUsed: 118165248, heapUsedOK: true, heapMax: 805306368, heapMaxOK: true,
		gcCount: 24, gcTimeMs: 120, gcOK: true, threads: 46, threadsOK: true}
	if j != want {
		t.Fatalf("got  %+v\nwant %+v", j, want)
	}
	// ProcessCpuLoad is negative while the JVM cannot tell yet: no CPU reading, the rest stays.
	j = parseJVM(communityJMX(-1, 16, 120))
	if j.cpuOK || !j.heapUsedOK || !j.gcOK {
		t.Fatalf("a negative CPU load must be left out, alone: %+v", j)
	}
	if j := parseJVM(nil); j != (jvmReading{}) {
		t.Fatalf("no beans, no readings: %+v", j)
	}
}

func TestParseNeo4jBeansSumsEnterpriseCounters(t *testing.T) {
	// Made up after Enterprise's org.neo4j beans: a page cache bean, a transactions bean per
	// database, and one with nothing of interest.
	recs := []*neo4j.Record{
		bean("org.neo4j:instance=kernel#0,name=Page cache", map[string]any{"Hits": attr(int64(1000)), "Faults": attr(int64(40)), "Evictions": attr(int64(3))}),
		bean("org.neo4j:instance=kernel#0,name=Transactions,database=neo4j", map[string]any{"NumberOfCommittedTransactions": attr(int64(500))}),
		bean("org.neo4j:instance=kernel#0,name=Transactions,database=system", map[string]any{"NumberOfCommittedTransactions": attr(int64(20))}),
		bean("org.neo4j:instance=kernel#0,name=Kernel", map[string]any{"KernelVersion": attr("x")}),
	}
	got := parseNeo4jBeans(recs)
	want := beansReading{hits: 1000, faults: 40, committed: 520, hitsOK: true, faultsOK: true, committedOK: true}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if b := parseNeo4jBeans(nil); b.any() {
		t.Fatalf("Community (no beans) must read as none: %+v", b)
	}
}

func TestParseTransactions(t *testing.T) {
	row := func(running, longest any) []*neo4j.Record {
		return []*neo4j.Record{{Keys: []string{"running", "longest"}, Values: []any{running, longest}}}
	}
	if tx, ok := parseTransactions(row(int64(3), int64(1250))); !ok || tx != (txReading{running: 3, longestMs: 1250}) {
		t.Fatalf("got %+v %v", tx, ok)
	}
	// Seen at its very start, a transaction's elapsed time can be negative.
	if tx, ok := parseTransactions(row(int64(1), int64(-1))); !ok || tx != (txReading{running: 1}) {
		t.Fatalf("got %+v %v", tx, ok)
	}
	// No transaction: max() is null.
	if tx, ok := parseTransactions(row(int64(0), nil)); !ok || tx != (txReading{}) {
		t.Fatalf("got %+v %v", tx, ok)
	}
	// The plain SHOW TRANSACTIONS: counted here, the sampler's own row left out.
	plain := []*neo4j.Record{
		{Keys: []string{"currentQuery", "elapsedTime"}, Values: []any{"SHOW TRANSACTIONS", neo4j.Duration{Seconds: 9}}},
		{Keys: []string{"currentQuery", "elapsedTime"}, Values: []any{"MATCH (n) RETURN n", neo4j.Duration{Seconds: 1, Nanos: 500_000_000}}},
		{Keys: []string{"currentQuery", "elapsedTime"}, Values: []any{"", neo4j.Duration{Nanos: 2_000_000}}},
	}
	if tx, _ := countTransactions(plain, "SHOW TRANSACTIONS"); tx != (txReading{running: 2, longestMs: 1500}) {
		t.Fatalf("got %+v", tx)
	}
}

func TestCounterDeltaStartsAtZeroAndSurvivesARestart(t *testing.T) {
	var c counterDelta
	for i, step := range []struct{ in, want float64 }{{100, 0}, {100, 0}, {130, 30}, {5, 0}, {7, 2}} {
		if got := c.next(step.in); got != step.want {
			t.Fatalf("step %d: next(%v) = %v, want %v", i, step.in, got, step.want)
		}
	}
}

// testSampler is a sampler on a scripted query function, its samples on a channel and its
// log in a buffer.
func testSampler(t *testing.T, q queryFunc, busy func() int64) (*sampler, chan metrics.SampleContainer, *testenv.SyncBuffer) {
	t.Helper()
	m, err := registerMetrics(metrics.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan metrics.SampleContainer, 64)
	var log testenv.SyncBuffer
	s := newSampler(samplerConfig{
		identity: "neo4j@127.0.0.1:7687", database: "neo4j", period: time.Second, poolSize: 4, busy: busy,
		metrics: &m.Server, queries: defaultSamplerQueries,
		env: samplerEnv{samples: ch, logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))},
	})
	s.query = q
	t.Cleanup(s.cancel)
	return s, ch, &log
}

func byName(ss metrics.Samples) map[string]float64 {
	out := map[string]float64{}
	for _, s := range ss {
		out[s.Metric.Name] = s.Value
	}
	return out
}

func TestSamplerSkipsReadingsWhileThePoolIsExhausted(t *testing.T) {
	var queries, busy atomic.Int64
	s, ch, log := testSampler(t, func(_ context.Context, cypher string) ([]*neo4j.Record, error) {
		queries.Add(1)
		if cypher == defaultSamplerQueries.JMX {
			return communityJMX(0.1, 1, 1), nil
		}
		return nil, nil
	}, busy.Load)
	busy.Store(4) // every connection of the pool (4) is held by a call
	for range 3 {
		s.read()
	}
	if queries.Load() != 0 || len(ch) != 0 {
		t.Fatalf("%d queries and %d pushes while the pool was exhausted, want none", queries.Load(), len(ch))
	}
	busy.Store(3)
	s.read()
	if queries.Load() == 0 || len(ch) != 1 {
		t.Fatalf("%d queries and %d pushes once a connection was free, want a reading", queries.Load(), len(ch))
	}
	s.sayTotals()
	if !strings.Contains(log.String(), "3 of 4 readings skipped while the connection pool was exhausted") {
		t.Fatalf("the closing note should count the skipped readings:\n%s", log)
	}
}

func TestSamplerEmitsGaugesAndCounterDeltas(t *testing.T) {
	gc := []int64{10, 13, 13}
	i := 0
	s, ch, _ := testSampler(t, func(_ context.Context, cypher string) ([]*neo4j.Record, error) {
		switch cypher {
		case defaultSamplerQueries.JMX:
			r := communityJMX(0.5, gc[i], gc[i]*10)
			i++
			return r, nil
		case defaultSamplerQueries.Transactions:
			return []*neo4j.Record{{Keys: []string{"running", "longest"}, Values: []any{int64(2), int64(40)}}}, nil
		}
		return nil, nil // no org.neo4j beans
	}, func() int64 { return 0 })
	var got []map[string]float64
	for range 3 {
		s.read()
		got = append(got, byName((<-ch).GetSamples()))
	}
	// Young (gc) + Old (0) + Concurrent (8) collections; time: young's gc*10 (Concurrent's -1 adds nothing).
	for n, want := range []struct{ count, seconds float64 }{{0, 0}, {3, 0.03}, {0, 0}} {
		if got[n]["neo4j_server_gc_count"] != want.count || got[n]["neo4j_server_gc_seconds"] != want.seconds {
			t.Fatalf("reading %d: %v, want gc_count %v, gc_seconds %v", n, got[n], want.count, want.seconds)
		}
	}
	want := map[string]float64{"neo4j_server_cpu": 0.5, "neo4j_server_heap_used_bytes": 118165248, "neo4j_server_heap_max_bytes": 805306368,
		"neo4j_server_threads": 46, "neo4j_server_transactions_running": 2, "neo4j_server_transaction_longest": 40}
	for k, v := range want {
		if got[0][k] != v {
			t.Fatalf("%s = %v, want %v (all: %v)", k, got[0][k], v, got[0])
		}
	}
	if len(got[0]) != 8 {
		t.Fatalf("Community gives 8 metrics, got %v", got[0])
	}
	if s.beans != beansNone {
		t.Fatal("a server with no org.neo4j beans must not be asked again")
	}
}

func TestSamplerNamesARefusedPartOnceAndGoesOn(t *testing.T) {
	var jmxAsked atomic.Int64
	s, ch, log := testSampler(t, func(_ context.Context, cypher string) ([]*neo4j.Record, error) {
		switch cypher {
		case defaultSamplerQueries.JMX:
			jmxAsked.Add(1)
			return nil, &neo4j.Neo4jError{Code: "Neo.ClientError.Procedure.ProcedureNotFound", Msg: "no dbms.queryJmx"}
		case defaultSamplerQueries.Transactions:
			return []*neo4j.Record{{Keys: []string{"running", "longest"}, Values: []any{int64(1), int64(5)}}}, nil
		}
		return nil, errors.New("no beans")
	}, func() int64 { return 0 })
	for range 3 {
		if !s.read() {
			t.Fatal("the sampler gave up while SHOW TRANSACTIONS still answered")
		}
		if got := byName((<-ch).GetSamples()); len(got) != 2 || got["neo4j_server_transactions_running"] != 1 {
			t.Fatalf("want the transaction readings alone, got %v", got)
		}
	}
	if jmxAsked.Load() != 1 {
		t.Fatalf("dbms.queryJmx asked %d times, want once", jmxAsked.Load())
	}
	want := "server metrics for neo4j@127.0.0.1:7687: dbms.queryJmx is not available (Neo.ClientError.Procedure.ProcedureNotFound): no CPU, heap, GC or thread readings"
	if n := strings.Count(log.String(), want); n != 1 {
		t.Fatalf("want the warning once, got %d times:\n%s", n, log)
	}
}

func TestSamplerTagsAreTheRunTagsWithIdentityAndDB(t *testing.T) {
	s, _, _ := testSampler(t, nil, nil)
	if got := s.tagSet().Map(); len(got) != 2 || got["identity"] != "neo4j@127.0.0.1:7687" || got["db"] != "neo4j" {
		t.Fatalf("without run tags: %v", got)
	}
	var run atomic.Pointer[metrics.TagSet]
	s.env.runTags = run.Load
	run.Store(metrics.NewTagSet(map[string]string{"testid": "a"}))
	if got := s.tagSet().Map(); got["testid"] != "a" || got["identity"] == "" {
		t.Fatalf("with run tags: %v", got)
	}
	run.Store(metrics.NewTagSet(map[string]string{"testid": "b"}))
	if got := s.tagSet().Map(); got["testid"] != "b" {
		t.Fatalf("run tags resolved later must be picked up: %v", got)
	}
}

// The sampler starts in the first VU's init code, before the host knows the run's tags: it
// takes no reading until then, so that no sample goes out without them.
func TestSamplerWaitsForTheRunTags(t *testing.T) {
	var queries atomic.Int64
	s, ch, _ := testSampler(t, func(_ context.Context, cypher string) ([]*neo4j.Record, error) {
		queries.Add(1)
		if cypher == defaultSamplerQueries.JMX {
			return communityJMX(0.1, 1, 1), nil
		}
		return nil, nil
	}, func() int64 { return 0 })
	var run atomic.Pointer[metrics.TagSet]
	s.env.runTags = run.Load
	s.read()
	if queries.Load() != 0 || len(ch) != 0 {
		t.Fatalf("%d queries and %d pushes before the run's tags were known, want none", queries.Load(), len(ch))
	}
	run.Store(metrics.NewTagSet(map[string]string{"testid": "a"}))
	s.read()
	if queries.Load() == 0 || len(ch) == 0 {
		t.Fatal("no reading once the run's tags were known")
	}
	for _, smp := range (<-ch).GetSamples() {
		if v, _ := smp.Tags.Get("testid"); v != "a" {
			t.Fatalf("%s without the run's tag: %v", smp.Metric.Name, smp.Tags.Map())
		}
	}
}
