package locust_test

import (
	"fmt"

	"github.com/xk6-neo4j/xk6-neo4j/internal/locust"
)

// Response times are counted in buckets that grow with the time, ties to the even one.
func ExampleResponseTimeBucket() {
	for _, ms := range []float64{2.5, 3.5, 99.6, 125, 135, 1049, 12500} {
		fmt.Println(ms, "->", locust.ResponseTimeBucket(ms))
	}
	// Output:
	// 2.5 -> 2
	// 3.5 -> 4
	// 99.6 -> 100
	// 125 -> 120
	// 135 -> 140
	// 1049 -> 1000
	// 12500 -> 12000
}

// A user class runs the export of its name, in any case, else the default function.
func ExampleResolveExec() {
	exports := []string{"default", "readUser", "setup"}
	for _, class := range []string{"ReadUser", "WriteUser"} {
		exec, _ := locust.ResolveExec(class, exports)
		fmt.Println(class, "->", exec)
	}
	// Output:
	// ReadUser -> readUser
	// WriteUser -> default
}
