package csvout_test

import (
	"os"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/csvout"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func ExampleNew() {
	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	tags := metrics.NewTagSet(map[string]string{
		"mode": "read", "name": "q1", "db": "neo4j", "scenario": "default", "status": "ok",
	})
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

	o, _ := csvout.New(output.Params{
		Arg:    "-", // stdout; a path writes a file, gzipped when it ends in .gz
		Stdout: os.Stdout,
		Env:    map[string]string{"K6_CSV_TIME_FORMAT": "unix"},
	})
	_ = o.Start()
	o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: dur, Tags: tags, Time: at, Value: 1.5}})
	_ = o.Stop()
	// Output:
	// metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
	// neo4j_query_duration,1741064767,1.500000,,,,,,,q1,,default,,ok,,,,db=neo4j&mode=read,
}
