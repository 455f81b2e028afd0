package metrics_test

import (
	"errors"
	"fmt"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func ExampleNewTagSet() {
	tags := metrics.NewTagSet(map[string]string{"mode": "read", "db": "neo4j"})
	fmt.Println(tags, tags.Len())
	name, ok := tags.Get("mode")
	fmt.Println(name, ok)
	// Output:
	// {db:neo4j, mode:read} 2
	// read true
}

func ExampleTagSet_With() {
	vu := metrics.NewTagSet(map[string]string{"scenario": "default"})
	call := vu.With("name", "person-by-id").With("scenario", "reads")
	fmt.Println(vu)
	fmt.Println(call)
	fmt.Println(call.Contains(metrics.NewTagSet(map[string]string{"name": "person-by-id"})))
	// Output:
	// {scenario:default}
	// {name:person-by-id, scenario:reads}
	// true
}

func ExampleRegistry_NewMetric() {
	r := metrics.NewRegistry()
	d, _ := r.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	again, _ := r.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	fmt.Println(d.Name, d.Type, d.Contains, d == again)

	_, err := r.NewMetric("neo4j_query_duration", metrics.Counter)
	fmt.Println(errors.Is(err, metrics.ErrMetricConflict))
	fmt.Println(err)

	_, err = r.NewMetric("bad{name}", metrics.Counter)
	fmt.Println(errors.Is(err, metrics.ErrInvalidMetricName))
	// Output:
	// neo4j_query_duration trend time true
	// true
	// metric already registered with another type: "neo4j_query_duration" is a trend of time values, asked for a counter of default values
	// true
}
