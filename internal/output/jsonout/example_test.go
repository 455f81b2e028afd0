package jsonout_test

import (
	"os"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/jsonout"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func ExampleNew() {
	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	tags := metrics.NewTagSet(map[string]string{"mode": "read", "name": "q1"})
	at := time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)

	o, _ := jsonout.New(output.Params{
		Arg:        "-", // stdout; a path writes a file, gzipped when it ends in .gz
		Stdout:     os.Stdout,
		Thresholds: map[string][]string{"neo4j_query_duration": {"p(95)<200"}},
	})
	_ = o.Start()
	o.AddSamples([]metrics.SampleContainer{
		metrics.Sample{Metric: dur, Tags: tags, Time: at, Value: 1.5},
		metrics.Sample{Metric: dur, Tags: tags, Time: at.Add(time.Millisecond), Value: 2},
	})
	_ = o.Stop()
	// Output:
	// {"type":"Metric","data":{"name":"neo4j_query_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":null},"metric":"neo4j_query_duration"}
	// {"metric":"neo4j_query_duration","type":"Point","data":{"time":"2025-01-02T03:04:05.123456789Z","value":1.5,"tags":{"mode":"read","name":"q1"}}}
	// {"metric":"neo4j_query_duration","type":"Point","data":{"time":"2025-01-02T03:04:05.124456789Z","value":2,"tags":{"mode":"read","name":"q1"}}}
}
