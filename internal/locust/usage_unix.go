//go:build unix

package locust

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// usageMeter measures the process's CPU use between two samples, as a percentage of the
// cores Go may use: 100 means every one was busy. A Python worker uses one core, so its
// 90% warning means "saturated"; this keeps that meaning for a worker using several.
type usageMeter struct {
	mu       sync.Mutex
	lastWall time.Time
	lastCPU  time.Duration
}

func newUsageMeter() *usageMeter {
	return &usageMeter{lastWall: time.Now(), lastCPU: processCPU()}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (u *usageMeter) sample() (float64, uint64) {
	u.mu.Lock()
	now, cpu := time.Now(), processCPU()
	wall := now.Sub(u.lastWall)
	used := cpu - u.lastCPU
	u.lastWall, u.lastCPU = now, cpu
	u.mu.Unlock()
	pct := 0.0
	if wall > 0 {
		pct = 100 * float64(used) / float64(wall) / float64(runtime.GOMAXPROCS(0))
	}
	return pct, residentBytes()
}

// residentBytes reads the resident set size from /proc where there is one, else reports
// what the Go runtime holds from the system.
func residentBytes() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Sys
}
