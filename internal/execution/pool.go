package execution

import (
	"fmt"
	"sync"
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
