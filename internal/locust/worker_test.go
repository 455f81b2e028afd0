package locust

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// fakeMaster is the master's end of the protocol as the tests drive it: a ZeroMQ ROUTER on
// loopback that hands every message to the test. The real master is in the integration
// tests; this one lets a test say exactly what the master says and when.
type fakeMaster struct {
	t      *testing.T
	addr   string
	router zmq4.Socket
	in     chan masterMsg
	// autoHeartbeat answers each worker heartbeat with one, as a live master does.
	autoHeartbeat atomic.Bool
	done          chan struct{}
}

type masterMsg struct {
	identity string
	Message
}

func newFakeMaster(t *testing.T, addr string) *fakeMaster {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	r := zmq4.NewRouter(context.Background(), zmq4.WithLogger(nil))
	if err := r.Listen("tcp://" + addr); err != nil {
		t.Fatal(err)
	}
	m := &fakeMaster{t: t, addr: r.Addr().String(), router: r, in: make(chan masterMsg, 1024), done: make(chan struct{})}
	m.autoHeartbeat.Store(true)
	go func() {
		defer close(m.done)
		for {
			zm, err := r.Recv()
			if err != nil {
				return
			}
			if len(zm.Frames) != 2 {
				t.Errorf("the worker sent %d frames after the identity, want 1", len(zm.Frames)-1)
				continue
			}
			msg, err := Decode(zm.Frames[1])
			if err != nil {
				t.Errorf("undecodable message from the worker: %v", err)
				continue
			}
			id := string(zm.Frames[0])
			if msg.NodeID != id {
				t.Errorf("node_id %q differs from the ZeroMQ identity %q", msg.NodeID, id)
			}
			if msg.Type == TypeHeartbeat && m.autoHeartbeat.Load() {
				m.send(id, TypeHeartbeat, nil)
			}
			m.in <- masterMsg{id, msg}
		}
	}()
	t.Cleanup(m.close)
	return m
}

func (m *fakeMaster) close() {
	_ = m.router.Close()
	<-m.done
}

func (m *fakeMaster) send(id, typ string, data any) {
	b, err := Encode(Message{Type: typ, Data: data, NodeID: id})
	if err != nil {
		m.t.Error(err)
		return
	}
	if err := m.router.Send(zmq4.NewMsgFrom([]byte(id), b)); err != nil {
		m.t.Logf("sending %s: %v", typ, err)
	}
}

// waitFor returns the messages up to and including the first of type typ, heartbeats
// left out.
func (m *fakeMaster) waitFor(typ string, timeout time.Duration) []masterMsg {
	m.t.Helper()
	var got []masterMsg
	deadline := time.After(timeout)
	for {
		select {
		case msg := <-m.in:
			if msg.Type == TypeHeartbeat && typ != TypeHeartbeat {
				continue
			}
			got = append(got, msg)
			if msg.Type == typ {
				return got
			}
		case <-deadline:
			m.t.Fatalf("no %s within %s; got %v", typ, timeout, types(got))
			return nil
		}
	}
}

func types(ms []masterMsg) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Type
	}
	return out
}

// fakeUsers records the targets the worker sets.
type fakeUsers struct {
	mu      sync.Mutex
	targets []map[string]int
	counts  map[string]int
}

func (f *fakeUsers) SetTarget(_ context.Context, target map[string]int, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets = append(f.targets, target)
	f.counts = map[string]int{}
	for c, n := range target {
		if n > 0 {
			f.counts[c] = n
		}
	}
	return nil
}

func (f *fakeUsers) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for c, n := range f.counts {
		out[c] = n
	}
	return out
}

func (f *fakeUsers) lastTarget() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.targets) == 0 {
		return nil
	}
	return f.targets[len(f.targets)-1]
}

type workerFixture struct {
	master  *fakeMaster
	users   *fakeUsers
	stats   *Stats
	starts  atomic.Int32
	stops   atomic.Int32
	cancel  context.CancelFunc
	result  chan error
	worker  *Worker
	flushed atomic.Int32
}

func startWorker(t *testing.T, m *fakeMaster, tweak func(*Config)) *workerFixture {
	t.Helper()
	f := &workerFixture{master: m, users: &fakeUsers{}, stats: NewStats(nil), result: make(chan error, 1)}
	cfg := Config{
		Master: m.addr, NodeID: fmt.Sprintf("test_%d", time.Now().UnixNano()),
		Users: f.users, Stats: f.stats,
		Flush:             func(context.Context) error { f.flushed.Add(1); return nil },
		TestStart:         func(context.Context) error { f.starts.Add(1); return nil },
		TestStop:          func(context.Context) { f.stops.Add(1) },
		Logger:            slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Usage:             func() (float64, uint64) { return 1.5, 1 << 20 },
		HeartbeatInterval: 50 * time.Millisecond, ReportInterval: 150 * time.Millisecond,
		MasterTimeout: 2 * time.Second, ConnectTimeout: 5 * time.Second,
		AckTimeout: 200 * time.Millisecond, DialRetry: 50 * time.Millisecond,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	f.worker = NewWorker(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	go func() { f.result <- f.worker.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.result:
		case <-time.After(10 * time.Second):
			t.Error("the worker did not stop within 10s of its context's end")
		}
	})
	return f
}

// register answers the worker's client_ready with an ack.
func (f *workerFixture) register(t *testing.T) string {
	t.Helper()
	msgs := f.master.waitFor(TypeClientReady, 5*time.Second)
	ready := msgs[len(msgs)-1]
	if v, ok := Int(ready.Data); !ok || v != -1 {
		t.Fatalf("client_ready data %#v, want -1", ready.Data)
	}
	f.master.send(ready.identity, TypeAck, map[string]any{"index": 0})
	return ready.identity
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func (f *workerFixture) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-f.result:
		f.result <- err // for the cleanup
		return err
	case <-time.After(timeout):
		t.Fatalf("the worker is still running after %s", timeout)
		return nil
	}
}

func statsData(t *testing.T, m masterMsg) map[string]any {
	t.Helper()
	d, ok := Map(m.Data)
	if !ok {
		t.Fatalf("stats data %#v", m.Data)
	}
	return d
}

func totalRequests(t *testing.T, msgs []masterMsg) int64 {
	t.Helper()
	var n int64
	for _, m := range msgs {
		if m.Type != TypeStats {
			continue
		}
		tot, _ := Map(statsData(t, m)["stats_total"])
		v, _ := Int(tot["num_requests"])
		n += v
	}
	return n
}

// The whole life of a worker as the protocol describes it: register, heartbeat, spawn,
// report, stop (last report before client_stopped, then ready again), a new test, quit.
func TestWorkerLifecycle(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, nil)
	id := f.register(t)

	hb := m.waitFor(TypeHeartbeat, 2*time.Second)
	d, _ := Map(hb[len(hb)-1].Data)
	if d["state"] != StateReady || d["current_cpu_usage"] != 1.5 {
		t.Fatalf("heartbeat %#v", d)
	}

	m.send(id, TypeSpawn, map[string]any{"timestamp": 10.0, "user_classes_count": map[string]any{"ReadUser": int8(3), "WriteUser": int8(1)}, "host": "", "stop_timeout": nil, "parsed_options": map[string]any{}})
	msgs := m.waitFor(TypeSpawningComplete, 2*time.Second)
	if got := types(msgs); got[0] != TypeSpawning {
		t.Fatalf("messages after spawn %v, want spawning first", got)
	}
	sc, _ := Map(msgs[len(msgs)-1].Data)
	if n, _ := Int(sc["user_count"]); n != 4 {
		t.Fatalf("spawning_complete %#v", sc)
	}
	if want := map[string]int{"ReadUser": 3, "WriteUser": 1}; !reflect.DeepEqual(f.users.lastTarget(), want) || f.starts.Load() != 1 {
		t.Fatalf("target %v starts %d", f.users.lastTarget(), f.starts.Load())
	}
	hb = m.waitFor(TypeHeartbeat, 2*time.Second)
	if d, _ := Map(hb[len(hb)-1].Data); d["state"] != StateRunning {
		t.Fatalf("heartbeat state %v while running", d["state"])
	}

	// A stale spawn changes nothing.
	m.send(id, TypeSpawn, map[string]any{"timestamp": 10.0, "user_classes_count": map[string]any{"ReadUser": 9}, "host": ""})
	// Reports carry the users and what was measured.
	f.stats.Request("read", "q", 3, 1, time.Now(), "")
	rep := m.waitFor(TypeStats, 2*time.Second)
	sd := statsData(t, rep[len(rep)-1])
	if uc, _ := Map(sd["user_classes_count"]); len(uc) != 2 {
		t.Fatalf("stats user_classes_count %#v", sd["user_classes_count"])
	}
	if totalRequests(t, rep) != 1 {
		t.Fatalf("reports %v carried %d requests, want 1", types(rep), totalRequests(t, rep))
	}
	if !reflect.DeepEqual(f.users.lastTarget(), map[string]int{"ReadUser": 3, "WriteUser": 1}) {
		t.Fatalf("a stale spawn was followed: %v", f.users.lastTarget())
	}

	// Stop: users end, teardown runs, the last report goes before client_stopped, then
	// client_ready registers the worker again.
	f.stats.Request("read", "q", 3, 1, time.Now(), "")
	m.send(id, TypeStop, nil)
	msgs = m.waitFor(TypeClientStopped, 2*time.Second)
	if msgs[len(msgs)-2].Type != TypeStats || totalRequests(t, msgs) != 1 {
		t.Fatalf("before client_stopped: %v with %d requests", types(msgs), totalRequests(t, msgs))
	}
	next := m.waitFor(TypeClientReady, 2*time.Second)
	if len(next) != 1 {
		t.Fatalf("between client_stopped and client_ready: %v", types(next))
	}
	if len(f.users.lastTarget()) != 0 || f.stops.Load() != 1 || f.flushed.Load() != 1 {
		t.Fatalf("after stop: target %v, teardowns %d, flushes %d", f.users.lastTarget(), f.stops.Load(), f.flushed.Load())
	}
	m.send(id, TypeAck, map[string]any{"index": 0})

	// A second test starts setup again.
	m.send(id, TypeSpawn, map[string]any{"timestamp": 20.5, "user_classes_count": map[string]any{"ReadUser": 1}, "host": "", "stop_timeout": 1.5})
	m.waitFor(TypeSpawningComplete, 2*time.Second)
	if f.starts.Load() != 2 {
		t.Fatalf("setup ran %d times, want 2", f.starts.Load())
	}

	// Quit: users stop, teardown, a last report, and Run returns nil.
	f.stats.Request("write", "w", 3, 0, time.Now(), "")
	m.send(id, TypeQuit, nil)
	if err := f.wait(t, 5*time.Second); err != nil {
		t.Fatalf("Run after quit: %v", err)
	}
	msgs = m.waitFor(TypeStats, time.Second)
	if totalRequests(t, msgs) != 1 || f.stops.Load() != 2 {
		t.Fatalf("final report %v with %d requests; teardowns %d", types(msgs), totalRequests(t, msgs), f.stops.Load())
	}
}

// The master goes silent: after the master timeout the worker stops its users and Run
// returns ErrMasterGone.
func TestWorkerMasterGone(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, func(c *Config) { c.MasterTimeout = 400 * time.Millisecond })
	id := f.register(t)
	m.waitFor(TypeHeartbeat, 2*time.Second) // answered: the master has been seen
	m.send(id, TypeSpawn, map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{"A": 2}})
	m.waitFor(TypeSpawningComplete, 2*time.Second)
	m.autoHeartbeat.Store(false)
	start := time.Now()
	err := f.wait(t, 5*time.Second)
	if !errors.Is(err, ErrMasterGone) {
		t.Fatalf("Run: %v, want ErrMasterGone", err)
	}
	// The master's last heartbeat went out up to one heartbeat interval before start.
	if el := time.Since(start); el < 400*time.Millisecond-100*time.Millisecond {
		t.Fatalf("gave up %s after the last heartbeat, before the 400ms timeout", el)
	}
	if len(f.users.lastTarget()) != 0 || f.stops.Load() != 1 {
		t.Fatalf("users %v, teardowns %d after the master went away", f.users.lastTarget(), f.stops.Load())
	}
}

// The master was never there.
func TestWorkerNoMaster(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	w := NewWorker(Config{Master: addr, Users: &fakeUsers{}, Stats: NewStats(nil), ConnectTimeout: 300 * time.Millisecond, DialRetry: 50 * time.Millisecond})
	start := time.Now()
	if err := w.Run(context.Background()); !errors.Is(err, ErrNoMaster) {
		t.Fatalf("Run: %v, want ErrNoMaster", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("took %s to give up", el)
	}
}

// A worker interrupted (Ctrl-C) tells the master it quits, after a last report.
func TestWorkerInterrupted(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, nil)
	id := f.register(t)
	m.send(id, TypeSpawn, map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{"A": 1}})
	m.waitFor(TypeSpawningComplete, 2*time.Second)
	f.stats.Request("read", "q", 1, 0, time.Now(), "")
	f.cancel()
	msgs := m.waitFor(TypeQuit, 5*time.Second)
	if totalRequests(t, msgs) != 1 {
		t.Fatalf("before quit: %v with %d requests", types(msgs), totalRequests(t, msgs))
	}
	if err := f.wait(t, 5*time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
}

// A reconnect request, and a master that drops the connection and comes back on the same
// port: the worker's messages keep arriving under the same identity.
func TestWorkerReconnects(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, nil)
	id := f.register(t)
	m.waitFor(TypeHeartbeat, 2*time.Second)

	m.send(id, TypeReconnect, nil)
	time.Sleep(200 * time.Millisecond)
	for range 3 {
		if hb := m.waitFor(TypeHeartbeat, 2*time.Second); hb[len(hb)-1].identity != id {
			t.Fatalf("heartbeat from %q after reconnect, want %q", hb[len(hb)-1].identity, id)
		}
	}

	addr := m.addr
	m.close()
	m2 := newFakeMaster(t, addr)
	hb := m2.waitFor(TypeHeartbeat, 5*time.Second)
	if hb[len(hb)-1].identity != id {
		t.Fatalf("heartbeat from %q on the new socket, want %q", hb[len(hb)-1].identity, id)
	}
	m2.send(id, TypeQuit, nil)
	if err := f.wait(t, 5*time.Second); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// Reports due while the master is unreachable are kept and reach it once the worker is
// back: the master's totals end up equal to what the worker measured.
func TestWorkerKeepsReportsWhileDisconnected(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, func(c *Config) { c.MasterTimeout = 20 * time.Second })
	id := f.register(t)
	m.waitFor(TypeHeartbeat, 2*time.Second)
	m.send(id, TypeSpawn, map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{"A": 1}})
	m.waitFor(TypeSpawningComplete, 2*time.Second)
	f.stats.Request("read", "before", 1, 0, time.Now(), "")
	if n := totalRequests(t, m.waitFor(TypeStats, 2*time.Second)); n != 1 {
		t.Fatalf("first report: %d requests", n)
	}

	addr := m.addr
	m.close()
	const down = 25
	for i := range down {
		f.stats.Request("read", "while-down", 1, 0, time.Now(), "")
		if i%5 == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	time.Sleep(800 * time.Millisecond) // several report intervals with no master
	m2 := newFakeMaster(t, addr)
	var got int64
	deadline := time.Now().Add(10 * time.Second)
	for got < down && time.Now().Before(deadline) {
		select {
		case msg := <-m2.in:
			if msg.Type == TypeStats {
				got += totalRequests(t, []masterMsg{msg})
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	// A few more reports: nothing is counted twice.
	for _, msg := range m2.waitFor(TypeStats, 2*time.Second) {
		if msg.Type == TypeStats {
			got += totalRequests(t, []masterMsg{msg})
		}
	}
	if got != down {
		t.Fatalf("the new master got %d requests, want the %d measured while it was unreachable", got, down)
	}
}

// A master address that accepts connections and closes them at once (a master restarting,
// a proxy or network resetting connections) for a while: the worker keeps re-dialling
// until a master answers, instead of giving up after the first failed handshake.
func TestWorkerRedialsThroughResets(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, func(c *Config) { c.MasterTimeout = 20 * time.Second })
	id := f.register(t)
	m.waitFor(TypeHeartbeat, 2*time.Second)

	addr := m.addr
	m.close()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var resets atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			resets.Add(1)
			_ = c.Close()
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for resets.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_ = l.Close()
	if resets.Load() < 3 {
		t.Fatalf("the worker dialled %d times in 5s while its connections were reset", resets.Load())
	}
	m2 := newFakeMaster(t, addr)
	if hb := m2.waitFor(TypeHeartbeat, 5*time.Second); hb[len(hb)-1].identity != id {
		t.Fatalf("heartbeat from %q, want %q", hb[len(hb)-1].identity, id)
	}
}

// The master's port answers TCP but never speaks (a frozen master): the re-dial hangs in
// the handshake, yet the worker still gives up after its master timeout and Run returns.
func TestWorkerGivesUpOnSilentMaster(t *testing.T) {
	m := newFakeMaster(t, "")
	f := startWorker(t, m, func(c *Config) { c.MasterTimeout = time.Second })
	f.register(t)
	m.waitFor(TypeHeartbeat, 2*time.Second)
	addr := m.addr
	m.close()
	bh := testenv.NewBlackHole(t, addr)
	if err := f.wait(t, 15*time.Second); !errors.Is(err, ErrMasterGone) {
		t.Fatalf("Run: %v, want ErrMasterGone", err)
	}
	if bh.Accepted() == 0 {
		t.Fatal("the worker never dialled the silent master")
	}
}
