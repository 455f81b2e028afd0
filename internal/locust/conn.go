package locust

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// ErrNotConnected is returned by Send while the connection is down or being
// re-established, and when it fails under a message: the message did not go. A caller
// that must not lose it (a stats report) keeps it for later.
var ErrNotConnected = errors.New("not connected to the Locust master")

// Incoming is what the connection delivers: a message from the master, or (Lost set) the
// news that the connection dropped.
type Incoming struct {
	Msg  Message
	Lost error
}

// Conn is a worker's connection to the master: a ZeroMQ DEALER whose identity is the node
// id. Locust's master answers only to that identity, so a new socket after a drop or a
// reconnect request keeps it; the old socket is closed first.
type Conn struct {
	endpoint string
	nodeID   string
	logger   *slog.Logger
	retry    time.Duration
	in       chan Incoming

	sendMu sync.Mutex // one message on the wire at a time, in order

	mu     sync.Mutex
	sock   zmq4.Socket // nil while (re)dialling
	cancel context.CancelFunc
	closed bool
	// broken is set once sock's connection failed: the ZeroMQ socket then has no peer and
	// drops what it is given without an error, so Send must not trust it.
	broken bool
	wg     sync.WaitGroup
}

// Dial connects to the master at addr (host:port) as nodeID, retrying every retry until
// the master listens or ctx ends.
func Dial(ctx context.Context, addr, nodeID string, retry time.Duration, logger *slog.Logger) (*Conn, error) {
	c := &Conn{endpoint: "tcp://" + addr, nodeID: nodeID, logger: logger, retry: retry, in: make(chan Incoming, 64)}
	sock, cancel, err := c.dialRetry(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.sock, c.cancel = sock, cancel
	c.mu.Unlock()
	c.listen(sock)
	return c, nil
}

// Incoming delivers the master's messages, in order.
func (c *Conn) Incoming() <-chan Incoming { return c.in }

// NodeID is the worker's identity.
func (c *Conn) NodeID() string { return c.nodeID }

// dialRetry dials until a ZeroMQ connection is up or ctx ends. The ZeroMQ library retries
// a refused TCP connection by itself, but gives up at once when a connection is accepted
// and then closed before the handshake (a master starting or stopping, a proxy or a
// network that resets connections): that is retried here.
func (c *Conn) dialRetry(ctx context.Context) (zmq4.Socket, context.CancelFunc, error) {
	for {
		sock, cancel, err := c.dial(ctx)
		if err == nil || ctx.Err() != nil {
			return sock, cancel, err
		}
		c.logger.Debug(err.Error() + "; retrying")
		select {
		case <-ctx.Done():
			return nil, nil, err
		case <-time.After(c.retry):
		}
	}
}

func (c *Conn) dial(ctx context.Context) (zmq4.Socket, context.CancelFunc, error) {
	sctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	sock := zmq4.NewDealer(sctx,
		zmq4.WithID(zmq4.SocketIdentity(c.nodeID)),
		zmq4.WithDialerMaxRetries(-1),
		zmq4.WithDialerRetry(c.retry),
		zmq4.WithDialerTimeout(5*time.Second),
		zmq4.WithTimeout(10*time.Second),
		zmq4.WithLogger(log.New(slogWriter{c.logger}, "", 0)),
	)
	if err := sock.Dial(c.endpoint); err != nil {
		_ = sock.Close()
		cancel()
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("connecting to the Locust master at %s: %w", strings.TrimPrefix(c.endpoint, "tcp://"), ctx.Err())
		}
		return nil, nil, fmt.Errorf("connecting to the Locust master at %s: %w", strings.TrimPrefix(c.endpoint, "tcp://"), err)
	}
	return sock, cancel, nil
}

// listen reads sock until it fails or is closed.
func (c *Conn) listen(sock zmq4.Socket) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			zm, err := sock.Recv()
			if err != nil {
				c.mu.Lock()
				current := c.sock == sock && !c.closed
				if current {
					c.broken = true
				}
				c.mu.Unlock()
				if current {
					c.in <- Incoming{Lost: err}
				}
				return
			}
			if len(zm.Frames) == 0 {
				continue
			}
			// A DEALER gets the master's message as one frame; take the last in case an
			// empty delimiter ever precedes it.
			m, err := Decode(zm.Frames[len(zm.Frames)-1])
			if err != nil {
				c.logger.Warn(fmt.Sprintf("ignoring a message from the Locust master: %v", err))
				continue
			}
			c.in <- Incoming{Msg: m}
		}
	}()
}

// Send sends a message with data of type typ.
func (c *Conn) Send(typ string, data any) error {
	b, err := Encode(Message{Type: typ, Data: data, NodeID: c.nodeID})
	if err != nil {
		return err
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	c.mu.Lock()
	sock, broken := c.sock, c.broken
	c.mu.Unlock()
	if sock == nil || broken {
		return ErrNotConnected
	}
	if err := sock.Send(zmq4.NewMsg(b)); err != nil {
		// The connection failed under this message: it did not arrive.
		return fmt.Errorf("sending %s to the Locust master: %w (%w)", typ, ErrNotConnected, err)
	}
	return nil
}

// Redial closes the socket and dials a new one with the same identity in the background;
// messages sent meanwhile are dropped. It returns at once; connected is called (from
// another goroutine) once the new socket is up, unless ctx ended or the Conn was closed
// first.
func (c *Conn) Redial(ctx context.Context, connected func()) {
	dctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cancel()
		return
	}
	old, oldCancel := c.sock, c.cancel
	// Close, or another Redial, stops this dial.
	c.sock, c.cancel = nil, cancel
	c.mu.Unlock()
	c.sendMu.Lock() // no send is halfway through the old socket
	if old != nil {
		_ = old.Close()
	}
	if oldCancel != nil {
		oldCancel()
	}
	c.sendMu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer cancel()
		sock, sockCancel, err := c.dialRetry(dctx)
		if err != nil {
			return
		}
		c.mu.Lock()
		if c.closed || dctx.Err() != nil {
			c.mu.Unlock()
			_ = sock.Close()
			sockCancel()
			return
		}
		c.sock, c.cancel, c.broken = sock, sockCancel, false
		c.mu.Unlock()
		c.listen(sock)
		if connected != nil {
			connected()
		}
	}()
}

// Close closes the socket and stops a dial in progress.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	sock, cancel := c.sock, c.cancel
	c.sock = nil
	c.mu.Unlock()
	var err error
	if sock != nil {
		err = sock.Close()
	}
	if cancel != nil {
		cancel()
	}
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	// Drain what the readers still deliver, so none blocks on a full channel. The ZeroMQ
	// library's handshake has no deadline: a dial to a peer that accepts and never speaks
	// (a frozen master) cannot be stopped, so do not wait for it for ever.
	giveUp := time.NewTimer(5 * time.Second)
	defer giveUp.Stop()
	for {
		select {
		case <-done:
			return err
		case <-c.in:
		case <-giveUp.C:
			c.logger.Debug("a dial to the Locust master is still hanging; not waiting for it")
			return err
		}
	}
}

// slogWriter sends the ZeroMQ library's own log lines to the debug log.
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug(strings.TrimSpace(string(p)), "source", "zmq4")
	return len(p), nil
}
