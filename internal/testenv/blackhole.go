package testenv

import (
	"net"
	"sync"
	"testing"
)

// BlackHole is a TCP port that accepts connections and never answers on them: a server
// frozen before its protocol starts, or a firewall that lets the handshake through. Tests of
// timeouts point clients at it.
type BlackHole struct {
	Addr string // 127.0.0.1:PORT

	ln   net.Listener
	mu   sync.Mutex
	held []net.Conn
	done chan struct{}
}

// NewBlackHole listens on addr ("" for a free port on 127.0.0.1) until Close, which the
// test's cleanup also calls.
func NewBlackHole(tb testing.TB, addr string) *BlackHole {
	tb.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	b := &BlackHole{Addr: ln.Addr().String(), ln: ln, done: make(chan struct{})}
	go b.accept()
	tb.Cleanup(b.Close)
	return b
}

func (b *BlackHole) accept() {
	defer close(b.done)
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		b.held = append(b.held, c) // held open, never read or written
		b.mu.Unlock()
	}
}

// Accepted is how many connections came in so far.
func (b *BlackHole) Accepted() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.held)
}

// Close stops listening and closes every connection held. Calling it again does nothing.
func (b *BlackHole) Close() {
	_ = b.ln.Close()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.held {
		_ = c.Close()
	}
	b.held = nil
}
