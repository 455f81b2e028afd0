//go:build !unix

package locust

import "runtime"

// usageMeter reports no CPU use where getrusage is missing, and the memory the Go runtime
// holds from the system.
type usageMeter struct{}

func newUsageMeter() *usageMeter { return &usageMeter{} }

func (*usageMeter) sample() (float64, uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return 0, ms.Sys
}
