package dashboard

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// run is a registry with the metrics the module and the host make, and tag sets reused the
// way the module reuses them.
type run struct {
	dur, queries, failed, records, vus, iters, dropped, checks *metrics.Metric
	tags                                                       map[[3]string]*metrics.TagSet
}

func newRun(t testing.TB) *run {
	t.Helper()
	r := metrics.NewRegistry()
	mk := func(name string, typ metrics.MetricType, vt ...metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return &run{
		dur:     mk("neo4j_query_duration", metrics.Trend, metrics.Time),
		queries: mk("neo4j_queries", metrics.Counter),
		failed:  mk("neo4j_query_failed", metrics.Rate),
		records: mk("neo4j_records", metrics.Counter),
		vus:     mk("vus", metrics.Gauge),
		iters:   mk("iterations", metrics.Counter),
		dropped: mk("dropped_iterations", metrics.Counter),
		checks:  mk("checks", metrics.Rate),
		tags:    map[[3]string]*metrics.TagSet{},
	}
}

// queryTags is the module's tag set for a query: name, mode, status, error_code, db,
// identity, scenario.
func (r *run) queryTags(name, mode, code string) *metrics.TagSet {
	k := [3]string{name, mode, code}
	if ts, ok := r.tags[k]; ok {
		return ts
	}
	m := map[string]string{"name": name, "mode": mode, "status": "ok", "db": "neo4j",
		"identity": "neo4j@127.0.0.1:7687", "scenario": "default"}
	if code != "" {
		m["status"], m["error_code"] = "error", code
	}
	ts := metrics.NewTagSet(m)
	r.tags[k] = ts
	return ts
}

// query is the samples the module emits for one query.
func (r *run) query(at time.Time, name, mode string, ms float64, code string) metrics.Samples {
	tags := r.queryTags(name, mode, code)
	failed := 0.0
	if code != "" {
		failed = 1
	}
	return metrics.Samples{
		{Metric: r.dur, Tags: tags, Time: at, Value: ms},
		{Metric: r.queries, Tags: tags, Time: at, Value: 1},
		{Metric: r.failed, Tags: tags, Time: at, Value: failed},
		{Metric: r.records, Tags: tags, Time: at, Value: 3},
	}
}

func (r *run) check(at time.Time, name string, ok bool) metrics.Sample {
	v := 0.0
	if ok {
		v = 1
	}
	return metrics.Sample{Metric: r.checks, Tags: metrics.NewTagSet(map[string]string{"check": name, "scenario": "default"}), Time: at, Value: v}
}

func (r *run) gauge(at time.Time, v float64) metrics.Sample {
	return metrics.Sample{Metric: r.vus, Time: at, Value: v}
}

func (r *run) iteration(at time.Time) metrics.Sample {
	return metrics.Sample{Metric: r.iters, Tags: metrics.NewTagSet(map[string]string{"scenario": "default"}), Time: at, Value: 1}
}

// base is the fixture's start: a whole second, so periods line up with seconds.
var base = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)

// loadRun is a realistic minute of load: VUs ramp 1..10 then hold, each iteration runs a read
// by id, a fulltext search and a write; the write fails with a constraint error now and then
// and the search times out in a burst between 30 s and 40 s; one check. Batches are a
// second each, as the engine would hand them over (in ~20 ms drains, but the order is the
// same).
func (r *run) loadRun(seconds int) [][]metrics.SampleContainer {
	rng := rand.New(rand.NewPCG(1, 2))
	var out [][]metrics.SampleContainer
	for s := range seconds {
		sec := base.Add(time.Duration(s) * time.Second)
		vus := min(1+s/3, 10)
		batch := []metrics.SampleContainer{r.gauge(sec, float64(vus))}
		for i := range vus * 5 {
			at := sec.Add(time.Duration(i) * time.Second / time.Duration(vus*5))
			read := 2 + rng.ExpFloat64()*1.5
			search := 15 + rng.NormFloat64()*3 + float64(s)/4
			searchCode := ""
			if s >= 30 && s < 40 && rng.IntN(4) == 0 {
				search, searchCode = 2000+rng.Float64()*500, "Neo.TransientError.Transaction.LockClientStopped"
			}
			write := 6 + rng.ExpFloat64()*4
			writeCode := ""
			if rng.IntN(25) == 0 {
				writeCode = "Neo.ClientError.Schema.ConstraintValidationFailed"
			}
			batch = append(batch,
				r.query(at, "person-by-id", "read", read, ""),
				r.query(at.Add(time.Millisecond), "fulltext-search", "read", math.Max(search, 1), searchCode),
				r.query(at.Add(2*time.Millisecond), "create-person", "write", write, writeCode),
				r.check(at.Add(3*time.Millisecond), "found the person", searchCode == ""),
				r.iteration(at.Add(3*time.Millisecond)),
			)
		}
		out = append(out, batch)
	}
	return out
}

// loadThresholds are the verdicts the engine would give at the end of loadRun: the search's
// p95 fails.
func loadThresholds() []ThresholdResult {
	return []ThresholdResult{
		{Key: "neo4j_query_duration", Source: "p(95)<500", Pass: true, Value: "p(95)=31.7ms"},
		{Key: "neo4j_query_duration{name:fulltext-search}", Source: "p(95)<50", Pass: false, Value: "p(95)=2.21s"},
		{Key: "neo4j_query_failed", Source: "rate<0.05", Pass: true, Value: "rate=3.12%"},
		{Key: "checks", Source: "rate>0.99", Pass: false, Value: "rate=97.40%"},
	}
}

// serverMetrics are the module's server sampler metrics.
type serverMetrics struct {
	cpu, heapUsed, heapMax, tx, gc, threads *metrics.Metric
}

func newServerMetrics(t testing.TB) serverMetrics {
	t.Helper()
	r := metrics.NewRegistry()
	mk := func(name string, typ metrics.MetricType, vt ...metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return serverMetrics{
		cpu:      mk("neo4j_server_cpu", metrics.Gauge),
		heapUsed: mk("neo4j_server_heap_used_bytes", metrics.Gauge, metrics.Data),
		heapMax:  mk("neo4j_server_heap_max_bytes", metrics.Gauge, metrics.Data),
		tx:       mk("neo4j_server_transactions_running", metrics.Gauge),
		gc:       mk("neo4j_server_gc_seconds", metrics.Counter),
		threads:  mk("neo4j_server_threads", metrics.Gauge),
	}
}

// serverTags is the sampler's tag set for an identity.
func serverTags(identity string) *metrics.TagSet {
	return metrics.NewTagSet(map[string]string{"identity": identity, "db": "neo4j", "scenario": "default"})
}

// serverReading is one reading of the sampler: every metric at once, as it emits them.
type serverReading struct {
	cpu, heapUsed, heapMax, tx, gcSeconds float64
}

func (m serverMetrics) samples(at time.Time, identity string, r serverReading) metrics.Samples {
	tags := serverTags(identity)
	return metrics.Samples{
		{Metric: m.cpu, Tags: tags, Time: at, Value: r.cpu},
		{Metric: m.heapUsed, Tags: tags, Time: at, Value: r.heapUsed},
		{Metric: m.heapMax, Tags: tags, Time: at, Value: r.heapMax},
		{Metric: m.tx, Tags: tags, Time: at, Value: r.tx},
		{Metric: m.gc, Tags: tags, Time: at, Value: r.gcSeconds},
		{Metric: m.threads, Tags: tags, Time: at, Value: 80},
	}
}

// serverRun is the sampler's readings over loadRun's minute, every 2 s: CPU follows the
// VUs' ramp, the heap saws up and is collected every 12 s (a GC burst), transactions follow
// the VUs. The first reading's GC is 0, as the sampler reports it.
func (m serverMetrics) serverRun(seconds int, identity string) [][]metrics.SampleContainer {
	var out [][]metrics.SampleContainer
	for s := 0; s < seconds; s += 2 {
		vus := float64(min(1+s/3, 10))
		r := serverReading{cpu: 0.04 + 0.06*vus, heapUsed: 300e6 + float64(s%12)*60e6, heapMax: 1.07e9, tx: vus - 1 + float64(s%3)}
		if s > 0 {
			r.gcSeconds = 0.004
			if s%12 == 0 {
				r.gcSeconds = 0.09
			}
		}
		out = append(out, []metrics.SampleContainer{m.samples(base.Add(time.Duration(s)*time.Second+300*time.Millisecond), identity, r)})
	}
	return out
}
