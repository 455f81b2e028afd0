package promrw

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// BenchmarkPromRWAddSamples measures a sample from AddSamples to its aggregate, with pushes
// every 100ms to a local endpoint running alongside and the final push inside the timing (Stop
// is timed, as in the file outputs' benchmark). ns/sample is the figure to compare;
// allocs/op counts allocations per batch of 100.
func BenchmarkPromRWAddSamples(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	f := outputtest.NewFixture(b, time.Microsecond, func(i int) map[string]string {
		return map[string]string{
			"mode": []string{"read", "write", "auto"}[i%3],
			"name": "q" + strconv.Itoa(i%7),
			"db":   "neo4j",
		}
	})
	outputtest.BenchmarkAddSamples(b, []string{"push"}, f.Sample, func(string) output.Output {
		o, err := New(output.Params{Env: map[string]string{
			envServerURL:    srv.URL,
			envPushInterval: "100ms",
			envTrendStats:   "p(99),p(95),avg,max",
		}})
		if err != nil {
			b.Fatal(err)
		}
		return o
	})
}

// BenchmarkPromRWEncode is one push of 1000 trend series (4 statistics each) and 1000 counter
// series: protobuf encoding and snappy compression, no network.
func BenchmarkPromRWEncode(b *testing.B) {
	var batch []timeSeries
	stats := []string{"p(99)", "p(95)", "avg", "max"}
	for i := range 1000 {
		tags := metrics.NewTagSet(map[string]string{"mode": "read", "name": "query-" + strconv.Itoa(i), "db": "neo4j", "status": "ok"})
		base := seriesLabels(tags, map[string]string{"testid": "bench"})
		for _, n := range seriesNames(&metrics.Metric{Name: "neo4j_query_duration", Type: metrics.Trend}, stats) {
			batch = append(batch, timeSeries{labels: withName(base, n), samples: []sample{{value: 0.0123, ms: 1_741_000_000_000}}})
		}
		batch = append(batch, timeSeries{labels: withName(base, "k6_neo4j_queries_total"), samples: []sample{{value: float64(i), ms: 1_741_000_000_000}}})
	}
	var raw, out []byte
	var e snappyEncoder
	b.ReportAllocs()
	for b.Loop() {
		raw = appendWriteRequest(raw[:0], batch)
		out = e.encode(out, raw)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportMetric(float64(len(raw))/float64(len(out)), "ratio")
}
