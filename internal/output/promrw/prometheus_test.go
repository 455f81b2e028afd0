package promrw

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The tests against a real Prometheus: Debian's `prometheus` package, started on loopback with
// its remote-write receiver on, its own data directory and no scrape targets.

func TestPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus")
	}
	base := testenv.StartPrometheus(t)
	t.Run("every type", func(t *testing.T) { testPrometheusEveryType(t, base) })
	t.Run("stale markers", func(t *testing.T) { testPrometheusStaleMarkers(t, base) })
	t.Run("not a write endpoint", func(t *testing.T) {
		// The same server's query API is no remote-write endpoint: Start must say so.
		o := openProm(t, base+"/api/v1/query", nil)
		err := o.Start()
		if !errors.Is(err, ErrRejected) {
			t.Fatalf("want ErrRejected, got %v", err)
		}
		t.Log(err)
	})
}

func openProm(t *testing.T, endpoint string, env map[string]string) *Output {
	t.Helper()
	e := map[string]string{envServerURL: endpoint, envPushInterval: "100ms"}
	for k, v := range env {
		e[k] = v
	}
	o, err := newOutput(output.Params{Env: e})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func testPrometheusEveryType(t *testing.T, base string) {
	testid := fmt.Sprintf("every-%d", time.Now().UnixNano())
	o := openProm(t, base+"/api/v1/write", map[string]string{
		envTrendStats: "p(99),p(99.9),avg,min,max,med,count,sum",
		envLabels:     "testid=" + testid + ",server=srv1",
	})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	m := newTestMetrics(t)
	read := metrics.NewTagSet(map[string]string{
		"mode": "read", "name": "person-by-id", "db": "neo4j", "identity": "neo4j@127.0.0.1:7687",
		"user-tag": "Grüße ✓",  // a key Prometheus does not allow, a value in UTF-8
		"server":   "tag-wins", // a tag beats a static label
	})
	write := read.With("mode", "write")
	server := &metrics.Metric{Name: "neo4j_server_duration", Type: metrics.Trend, Contains: metrics.Time}

	// The trend gets 1..1000 ms in a random order over several pushes; the counters, rate and
	// gauges get their values spread over the same pushes.
	durations := make([]float64, 1000)
	for i := range durations {
		durations[i] = float64(i + 1)
	}
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(durations), func(i, j int) {
		durations[i], durations[j] = durations[j], durations[i]
	})
	const rounds = 4
	for round := range rounds {
		now := time.Now()
		var batch metrics.Samples
		for _, d := range durations[round*250 : (round+1)*250] {
			batch = append(batch, metrics.Sample{Metric: m.dur, Tags: read, Time: now, Value: d})
		}
		for i := range 10 {
			batch = append(batch,
				metrics.Sample{Metric: m.queries, Tags: read, Time: now, Value: 1},
				metrics.Sample{Metric: m.failed, Tags: write, Time: now, Value: float64(i % 5 / 4)}, // 1 in 5
			)
		}
		batch = append(batch,
			metrics.Sample{Metric: m.queries, Tags: write, Time: now, Value: 2.5},
			metrics.Sample{Metric: m.vus, Time: now, Value: float64(10 + round)},
			metrics.Sample{Metric: m.wait, Tags: read, Time: now, Value: 1500},
		)
		// A trend large enough for the sink to leave exact mode: 1..20000, 5000 a round.
		for i := round * 5000; i < (round+1)*5000; i++ {
			batch = append(batch, metrics.Sample{Metric: server, Tags: read, Time: now, Value: float64(i + 1)})
		}
		o.AddSamples([]metrics.SampleContainer{batch})
		time.Sleep(150 * time.Millisecond) // past a push interval
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if n := o.dropped.Load(); n != 0 {
		t.Fatalf("%d pushes dropped", n)
	}
	at := time.Now()

	readLabels := map[string]string{
		"mode": "read", "name": "person-by-id", "db": "neo4j", "identity": "neo4j@127.0.0.1:7687",
		"user_tag": "Grüße ✓", "server": "tag-wins", "testid": testid,
	}
	writeLabels := map[string]string{}
	for k, v := range readLabels {
		writeLabels[k] = v
	}
	writeLabels["mode"] = "write"
	plain := map[string]string{"testid": testid, "server": "srv1"}
	want := []struct {
		name   string
		labels map[string]string
		value  float64
	}{
		{"k6_neo4j_query_duration_p99", readLabels, 0.99001}, // 990.01 ms, numpy's linear definition
		{"k6_neo4j_query_duration_p999", readLabels, 0.999001},
		{"k6_neo4j_query_duration_avg", readLabels, 0.5005},
		{"k6_neo4j_query_duration_min", readLabels, 0.001},
		{"k6_neo4j_query_duration_max", readLabels, 1},
		{"k6_neo4j_query_duration_med", readLabels, 0.5005},
		{"k6_neo4j_query_duration_count", readLabels, 1000},
		{"k6_neo4j_query_duration_sum", readLabels, 500.5},
		{"k6_neo4j_queries_total", readLabels, rounds * 10},
		{"k6_neo4j_queries_total", writeLabels, rounds * 2.5},
		{"k6_neo4j_query_failed_rate", writeLabels, 0.2},
		{"k6_vus", plain, 10 + rounds - 1},
		{"k6_lock_wait", readLabels, 1.5},
		// Past 4096 samples a trend is a sketch: percentiles within 0.5%, count, sum, min and
		// max exact.
		{"k6_neo4j_server_duration_p99", readLabels, 19.80001},
		{"k6_neo4j_server_duration_p999", readLabels, 19.980001},
		{"k6_neo4j_server_duration_med", readLabels, 10.0005},
		{"k6_neo4j_server_duration_avg", readLabels, 10.0005},
		{"k6_neo4j_server_duration_min", readLabels, 0.001},
		{"k6_neo4j_server_duration_max", readLabels, 20},
		{"k6_neo4j_server_duration_count", readLabels, 20000},
		{"k6_neo4j_server_duration_sum", readLabels, 200010},
	}
	for _, w := range want {
		q := fmt.Sprintf(`%s{testid=%q, mode=%q}`, w.name, testid, w.labels["mode"])
		if w.labels["mode"] == "" {
			q = fmt.Sprintf(`%s{testid=%q}`, w.name, testid)
		}
		res := testenv.PromQuery(t, base, q, at)
		if len(res) != 1 {
			t.Errorf("%s: %d series, want 1: %v", q, len(res), res)
			continue
		}
		wantLabels := map[string]string{"__name__": w.name}
		for k, v := range w.labels {
			wantLabels[k] = v
		}
		if !maps.Equal(res[0].Metric, wantLabels) {
			t.Errorf("%s: labels %v, want %v", q, res[0].Metric, wantLabels)
		}
		tolerance := 1e-9 * math.Max(1, math.Abs(w.value))
		if strings.HasPrefix(w.name, "k6_neo4j_server_duration_") && (strings.HasSuffix(w.name, "_med") || strings.Contains(w.name, "_p")) {
			tolerance = 0.005 * w.value
		}
		if got := res[0].Float(t); math.Abs(got-w.value) > tolerance {
			t.Errorf("%s = %v, want %v", q, got, w.value)
		}
	}

	// The series API lists exactly these series for the run.
	var series []map[string]string
	testenv.PromAPI(t, base, "/api/v1/series", url.Values{
		"match[]": {fmt.Sprintf(`{testid=%q}`, testid)},
		"start":   {strconv.FormatInt(at.Add(-time.Minute).Unix(), 10)},
		"end":     {strconv.FormatInt(at.Add(time.Minute).Unix(), 10)},
	}, &series)
	var names []string
	for _, s := range series {
		names = append(names, s["__name__"])
	}
	slices.Sort(names)
	var wantNames []string
	for _, w := range want {
		wantNames = append(wantNames, w.name)
	}
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Errorf("series %q\nwant   %q", names, wantNames)
	}

	// The counter grew push by push: it had earlier, smaller values.
	q := fmt.Sprintf(`min_over_time(k6_neo4j_queries_total{testid=%q, mode="read"}[1m])`, testid)
	if res := testenv.PromQuery(t, base, q, at); len(res) != 1 || res[0].Float(t) >= rounds*10 {
		t.Errorf("%s: %v, want one value below the total", q, res)
	}
}

func testPrometheusStaleMarkers(t *testing.T, base string) {
	testid := fmt.Sprintf("stale-%d", time.Now().UnixNano())
	o := openProm(t, base+"/api/v1/write", map[string]string{envStaleMarkers: "true", envLabels: "testid=" + testid})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	m := newTestMetrics(t)
	o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 3, Time: time.Now()}})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Second)
	q := fmt.Sprintf(`k6_neo4j_queries_total{testid=%q}`, testid)
	if res := testenv.PromQuery(t, base, q, at); len(res) != 0 {
		t.Errorf("%s after the stale marker: %v, want nothing", q, res)
	}
	q = fmt.Sprintf(`max_over_time(k6_neo4j_queries_total{testid=%q}[1m])`, testid)
	if res := testenv.PromQuery(t, base, q, at); len(res) != 1 || res[0].Float(t) != 3 {
		t.Errorf("%s: %v, want 3", q, res)
	}
}
