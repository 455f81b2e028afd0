package locust

import (
	"fmt"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// One query's samples into the Locust stats: the cost every query pays in a worker, on
// top of the engine's own aggregation.
func BenchmarkSampleConsumer(b *testing.B) {
	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	queries, _ := reg.NewMetric("neo4j_queries", metrics.Counter)
	failed, _ := reg.NewMetric("neo4j_query_failed", metrics.Rate)
	recs, _ := reg.NewMetric("neo4j_records", metrics.Counter)
	tags := metrics.NewTagSet(map[string]string{"mode": "read", "name": "person-by-id", "status": "ok", "db": "neo4j", "identity": "neo4j@127.0.0.1:7687"})
	now := time.Now()
	c := &SampleConsumer{Stats: NewStats(nil)}
	batch := make([]metrics.SampleContainer, 64)
	for i := range batch {
		batch[i] = metrics.Samples{
			{Metric: dur, Tags: tags, Time: now, Value: float64(i%200) + 0.5},
			{Metric: queries, Tags: tags, Time: now, Value: 1},
			{Metric: failed, Tags: tags, Time: now, Value: 0},
			{Metric: recs, Tags: tags, Time: now, Value: 1},
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		c.AddSamples(batch)
	}
}

// A 3-second report of 20 query rows with a spread of response times, taken and encoded.
func BenchmarkReportEncode(b *testing.B) {
	st := NewStats(nil)
	now := time.Now()
	fill := func() {
		for i := range 20000 {
			st.Request("read", fmt.Sprintf("query-%d", i%20), float64(i%3000)/7, 1, now.Add(time.Duration(i)*time.Millisecond/8), "")
		}
	}
	users := map[string]int{"ReadUser": 10, "WriteUser": 10}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fill()
		b.StartTimer()
		if _, err := Encode(Message{Type: TypeStats, Data: st.Take().Data(users), NodeID: "host_0123456789abcdef"}); err != nil {
			b.Fatal(err)
		}
	}
}
