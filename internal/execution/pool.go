package execution

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool holds the run's initialised VUs; scenarios take them and give them back, so a VU
// freed by one scenario serves the next.
type Pool struct {
	mu   sync.Mutex
	free []VU
	size int
}

// NewPool returns a pool of the given VUs.
func NewPool(vus []VU) *Pool { return &Pool{free: append([]VU(nil), vus...), size: len(vus)} }

// Size is how many VUs the pool owns.
func (p *Pool) Size() int { return p.size }

// Take removes n free VUs.
func (p *Pool) Take(n int) ([]VU, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n > len(p.free) {
		return nil, fmt.Errorf("needs %d VUs but only %d are free", n, len(p.free))
	}
	out := p.free[len(p.free)-n:]
	p.free = p.free[: len(p.free)-n : len(p.free)-n]
	return out, nil
}

// Return gives VUs back.
func (p *Pool) Return(vus []VU) {
	p.mu.Lock()
	p.free = append(p.free, vus...)
	p.mu.Unlock()
}

// InitEach calls initOne(i) for i in [0, n) on as many goroutines as there are CPUs (a VU's
// init code is the slow part of starting a run) and returns each call's error. Calls not
// yet begun when ctx ends get ctx's error instead.
func InitEach(ctx context.Context, n int, initOne func(i int) error) []error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				errs[i] = initOne(i)
			}
		}()
	}
	wg.Wait()
	return errs
}
