package dashboard_test

import (
	"fmt"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output/dashboard"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func ExampleParseConfig() {
	env := map[string]string{"K6_WEB_DASHBOARD": "true", "K6_WEB_DASHBOARD_EXPORT": "report.html"}
	on, _ := dashboard.Enabled(env)
	c, _ := dashboard.ParseConfig("port=0", env)
	fmt.Println(on, c.Host, c.Port, c.Period, c.Export)
	// Output: true 127.0.0.1 0 1s report.html
}

func ExampleNewOutput() {
	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := metrics.NewTagSet(map[string]string{"name": "person-by-id", "mode": "read", "status": "ok"})
	failed := metrics.NewTagSet(map[string]string{"name": "person-by-id", "mode": "read", "status": "error",
		"error_code": "Neo.ClientError.Statement.SyntaxError"})

	c := dashboard.NewConfig()
	c.Port = dashboard.NoServer // report only; 0 would serve on any free port
	c.Thresholds = func() []dashboard.ThresholdResult {
		return []dashboard.ThresholdResult{{Key: "neo4j_query_duration", Source: "p(95)<10", Pass: false, Value: "p(95)=11.8ms"}}
	}
	o, _ := dashboard.NewOutput(c)
	_ = o.Start()
	o.AddSamples([]metrics.SampleContainer{metrics.Samples{
		{Metric: dur, Tags: ok, Time: at, Value: 4},
		{Metric: dur, Tags: ok, Time: at.Add(time.Second), Value: 12},
		{Metric: dur, Tags: failed, Time: at.Add(1500 * time.Millisecond), Value: 1},
	}})
	s := o.Snapshot()
	fmt.Println("buckets:", s.Buckets.T, "queries:", s.Buckets.Queries, "failures:", s.Buckets.Failures)
	q := s.Queries[0]
	fmt.Printf("%s %s: %d queries, %d failed, p50 %.0f ms\n", q.Name, q.Mode, q.Count, q.Failures, q.P50)
	fmt.Println("errors:", s.Errors[0].Code, s.Errors[0].Total)
	fmt.Println("threshold passes:", s.Thresholds[0].Pass)
	_ = o.Stop()
	// Output:
	// buckets: [0 1000] queries: [1 2] failures: [0 1]
	// person-by-id read: 3 queries, 1 failed, p50 4 ms
	// errors: Neo.ClientError.Statement.SyntaxError 1
	// threshold passes: false
}
