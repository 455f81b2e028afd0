package promrw

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func ExampleNew() {
	// A stand-in remote-write endpoint that prints the last value of each series it receives.
	var mu sync.Mutex
	last := map[string]float64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		raw, _ := snappyDecode(body)
		series, _ := decodeWriteRequest(raw)
		mu.Lock()
		for _, ts := range series {
			last[labelsText(ts.labels)] = ts.samples[0].value
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	queries, _ := reg.NewMetric("neo4j_queries", metrics.Counter)
	tags := metrics.NewTagSet(map[string]string{"mode": "read", "name": "q1"})

	o, err := New(output.Params{Env: map[string]string{
		"K6_PROMETHEUS_RW_SERVER_URL":  srv.URL + "/api/v1/write",
		"K6_PROMETHEUS_RW_TREND_STATS": "p(50),max",
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := o.Start(); err != nil { // fails here when the endpoint cannot be reached
		fmt.Println(err)
		return
	}
	now := time.Now()
	o.AddSamples([]metrics.SampleContainer{metrics.Samples{
		{Metric: dur, Tags: tags, Time: now, Value: 10},
		{Metric: dur, Tags: tags, Time: now, Value: 30},
		{Metric: queries, Tags: tags, Time: now, Value: 1},
		{Metric: queries, Tags: tags, Time: now, Value: 1},
	}})
	_ = o.Stop() // the last push

	var keys []string
	for k := range last {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Println(k, last[k])
	}
	// Output:
	// __name__=k6_neo4j_queries_total,mode=read,name=q1 2
	// __name__=k6_neo4j_query_duration_max,mode=read,name=q1 0.03
	// __name__=k6_neo4j_query_duration_p50,mode=read,name=q1 0.02
}
