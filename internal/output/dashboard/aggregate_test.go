package dashboard

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func addAll(a *aggregator, cs ...metrics.SampleContainer) {
	for _, c := range cs {
		for _, s := range c.GetSamples() {
			a.add(&s)
		}
	}
}

func TestAggregatorBucketsBySecond(t *testing.T) {
	r := newRun(t)
	a := newAggregator(time.Second, 600, 20)
	at := func(ms int) time.Time { return base.Add(250*time.Millisecond + time.Duration(ms)*time.Millisecond) }
	addAll(a,
		r.gauge(at(0), 2),
		r.query(at(0), "q1", "read", 10, ""),
		r.query(at(100), "q1", "read", 20, ""),
		r.query(at(200), "q2", "write", 5, "Neo.ClientError.Schema.ConstraintValidationFailed"),
		r.iteration(at(300)),
		r.check(at(300), "ok", true),
		// The next second: more VUs, a failed check, a query without an error code.
		r.gauge(at(1000), 4),
		r.gauge(at(1100), 3),
		r.query(at(1000), "q1", "read", 30, ""),
		r.query(at(1100), "q2", "write", 7, ""),
		metrics.Sample{Metric: r.dur, Tags: metrics.NewTagSet(map[string]string{"name": "q2", "mode": "write", "status": "error"}), Time: at(1200), Value: 9},
		r.check(at(1300), "ok", false),
		r.iteration(at(1300)),
		r.iteration(at(1400)),
		// Nothing for two seconds, then one query.
		r.query(at(4000), "q1", "read", 40, ""),
		metrics.Sample{Metric: r.dropped, Time: at(4000), Value: 3},
	)
	s := a.snapshot()
	b := s.Buckets
	if want := []int64{0, 1000, 4000}; !slices.Equal(b.T, want) || !slices.Equal(b.D, []int64{1000, 1000, 1000}) {
		t.Fatalf("buckets start at %v lasting %v, want %v, one second each", b.T, b.D, want)
	}
	if s.Start != base.UnixMilli() {
		t.Errorf("start %d, want the first sample's second %d", s.Start, base.UnixMilli())
	}
	eq := func(what string, got, want any) {
		t.Helper()
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("%s: got %s, want %s", what, gj, wj)
		}
	}
	eq("queries", b.Queries, []uint64{3, 3, 1})
	eq("failures", b.Failures, []uint64{1, 1, 0})
	eq("vus (highest)", b.VUs, Nums{2, 4, math.NaN()})
	eq("iterations", b.Iterations, []float64{1, 2, 0})
	eq("dropped", b.Dropped, []float64{0, 0, 3})
	eq("checks passed", b.ChecksPass, []uint64{1, 0, 0})
	eq("checks failed", b.ChecksFail, []uint64{0, 1, 0})

	names := map[string]NameSeries{}
	for _, n := range s.Names {
		names[n.Name] = n
	}
	eq("q1 per bucket", names["q1"].Count, []uint64{2, 1, 1})
	eq("q2 per bucket", names["q2"].Count, []uint64{1, 2, 0})
	eq("q2 failures", names["q2"].Failures, []uint64{1, 1, 0})
	near := func(what string, got Nums, want ...float64) {
		t.Helper()
		for i := range want {
			if math.IsNaN(want[i]) != math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > histAlpha*want[i] {
				t.Errorf("%s: got %v, want %v within 1%%", what, got, want)
				return
			}
		}
	}
	near("q1 p50", names["q1"].P50, 15, 30, 40)
	near("q2 p99 (null without queries)", names["q2"].P99, 5, 7+0.99*2, math.NaN())

	if len(s.Errors) != 2 || s.Errors[0].Code != "(no code)" && s.Errors[0].Code != "Neo.ClientError.Schema.ConstraintValidationFailed" {
		t.Fatalf("errors %+v", s.Errors)
	}
	for _, e := range s.Errors {
		if e.Total != 1 || !slices.Equal(e.Queries, []string{"q2"}) {
			t.Errorf("error %s: %d in %v, want 1 in q2", e.Code, e.Total, e.Queries)
		}
	}
	tot := s.Totals
	if tot.Queries != 7 || tot.Failures != 2 || tot.Iterations != 3 || tot.Dropped != 3 ||
		tot.VUs != 3 || tot.VUsMax != 4 || tot.ChecksPass != 1 || tot.ChecksFail != 1 {
		t.Errorf("totals %+v", tot)
	}
	// Rates are over the samples' span: 4 s from the first to the last.
	if s.Duration != 4000 || tot.QueryRate != 7.0/4 {
		t.Errorf("duration %d ms, query rate %v; want 4000 ms and 1.75/s", s.Duration, tot.QueryRate)
	}
	if len(s.Checks) != 1 || s.Checks[0].Name != "ok" || s.Checks[0].Passes != 1 || s.Checks[0].Fails != 1 {
		t.Errorf("checks %+v", s.Checks)
	}
}

// TestAggregatorTableMatchesTrendSink: the per-query table's numbers are the run-wide
// sink's, the same the text summary prints; the per-bucket percentiles are within 1% of the
// exact ones.
func TestAggregatorTableMatchesTrendSink(t *testing.T) {
	r := newRun(t)
	a := newAggregator(time.Second, 600, 20)
	rng := rand.New(rand.NewPCG(7, 8))
	var want metrics.TrendSink
	var second0 []float64
	for i := range 20000 {
		v := math.Exp(2 + rng.NormFloat64()*0.7)
		at := base.Add(time.Duration(i) * time.Millisecond / 2) // 10 s
		addAll(a, r.query(at, "q", "read", v, ""))
		want.Add(v)
		if at.Before(base.Add(time.Second)) {
			second0 = append(second0, v)
		}
	}
	s := a.snapshot()
	if len(s.Queries) != 1 {
		t.Fatalf("rows %+v", s.Queries)
	}
	q := s.Queries[0]
	if q.Count != 20000 || q.Avg != want.Avg() || q.P50 != want.P(0.5) || q.P95 != want.P(0.95) ||
		q.P99 != want.P(0.99) || q.Max != want.Max() {
		t.Errorf("row %+v, the sink says avg %v p50 %v p95 %v p99 %v max %v",
			q, want.Avg(), want.P(0.5), want.P(0.95), want.P(0.99), want.Max())
	}
	slices.Sort(second0)
	n := s.Names[0]
	for i, got := range []float64{n.P50[0], n.P95[0], n.P99[0]} {
		exact := exactQuantile(second0, quantiles[i])
		if math.Abs(got-exact) > histAlpha*exact*1.0001 {
			t.Errorf("p%v of the first second: %v, exact %v", quantiles[i]*100, got, exact)
		}
	}
}

func TestAggregatorCapsSeries(t *testing.T) {
	r := newRun(t)
	a := newAggregator(time.Second, 600, 5)
	for i := range 50 {
		name := "MATCH (n {id: " + strings.Repeat("9", i) + "}) RETURN n"
		addAll(a, r.query(base, name, "read", 1, "Neo.Code"+strings.Repeat("x", i)))
	}
	s := a.snapshot()
	if len(s.Names) != 5 || s.Names[4].Name != other || s.Names[4].Total != 46 {
		t.Fatalf("%d name series, the last %q with %d; want 5, the last %q with 46", len(s.Names), s.Names[len(s.Names)-1].Name, s.Names[len(s.Names)-1].Total, other)
	}
	if len(s.Errors) != 5 || s.Errors[4].Code != other || s.Errors[4].Total != 46 {
		t.Fatalf("errors %d, the last %q with %d", len(s.Errors), s.Errors[len(s.Errors)-1].Code, s.Errors[len(s.Errors)-1].Total)
	}
	if len(s.Queries) != 5 {
		t.Fatalf("%d table rows, want 5", len(s.Queries))
	}
}

func TestAggregatorIgnoresOtherMetrics(t *testing.T) {
	r := newRun(t)
	a := newAggregator(time.Second, 600, 20)
	addAll(a, metrics.Samples{
		{Metric: r.queries, Time: base, Value: 1}, // counted from neo4j_query_duration only
		{Metric: r.failed, Time: base, Value: 1},
		{Metric: r.records, Time: base, Value: 100},
		{Time: base, Value: 1}, // no metric at all
	})
	if s := a.snapshot(); s.Totals.Queries != 0 || s.Totals.Failures != 0 {
		t.Fatalf("totals %+v, want nothing counted", s.Totals)
	}
}

// TestAggregatorDayLongRun: a day of samples keeps the bucket bound and every query.
func TestAggregatorDayLongRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a day of samples")
	}
	r := newRun(t)
	a := newAggregator(time.Second, 600, 20)
	for s := range 86400 {
		at := base.Add(time.Duration(s) * time.Second)
		addAll(a, r.query(at, "a", "read", float64(1+s%7), ""), r.query(at, "b", "write", 3, "Neo.X"))
	}
	s := a.snapshot()
	if n := len(s.Buckets.T); n > 600 {
		t.Fatalf("%d buckets", n)
	}
	var total uint64
	for _, c := range s.Buckets.Queries {
		total += c
	}
	if total != 2*86400 || s.Totals.Queries != 2*86400 || s.Errors[0].Total != 86400 {
		t.Fatalf("%d queries in the buckets, %d in total, %d errors", total, s.Totals.Queries, s.Errors[0].Total)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("snapshot of a day: %d buckets, %d KiB of JSON", len(s.Buckets.T), len(b)/1024)
}

func TestSnapshotJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		N  Num  `json:"n"`
		NS Nums `json:"ns"`
		E  Nums `json:"e"`
	}{Num(math.NaN()), Nums{1.23456, math.Inf(1), 0, 2e9, -0.0004}, nil})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":null,"ns":[1.235,null,0,2000000000,-0],"e":[]}`; string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}
