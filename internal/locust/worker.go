package locust

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Locust's timers (the protocol's, described in this package's doc); Config's zero values mean these.
const (
	DefaultHeartbeatInterval = time.Second
	DefaultReportInterval    = 3 * time.Second
	DefaultMasterTimeout     = 60 * time.Second
	DefaultConnectTimeout    = 5 * time.Minute
	DefaultAckTimeout        = 5 * time.Second
	DefaultDialRetry         = time.Second
)

var (
	// ErrMasterGone is returned when the master has sent no heartbeat for the master
	// timeout: it was killed, or the network between us is down.
	ErrMasterGone = errors.New("the Locust master is gone")
	// ErrNoMaster is returned when no master registered the worker within the connect
	// timeout.
	ErrNoMaster = errors.New("no Locust master registered this worker")
)

// UserSet is what the worker steers: the users of each class.
type UserSet interface {
	// SetTarget starts and stops users until each class has target[class].
	SetTarget(ctx context.Context, target map[string]int, stopTimeout time.Duration) error
	// Counts returns the users running, by class.
	Counts() map[string]int
}

// Config is what a Worker needs. Zero durations mean Locust's own timers.
type Config struct {
	// Master is the master's host:port (its --master-bind-port, 5557 by default).
	Master string
	// NodeID is the worker's identity; "" makes one as Locust does: hostname_<random hex>.
	NodeID string
	Users  UserSet
	Stats  *Stats
	// Flush returns once every sample measured so far is in Stats (before a last report).
	Flush func(ctx context.Context) error
	// TestStart runs when a test starts on this worker (the first spawn after being
	// ready): the script's setup(). An error starts no users for that test.
	TestStart func(ctx context.Context) error
	// TestStop runs when a test that started ends (stop, quit, the master gone), after
	// every user stopped: the script's teardown().
	TestStop func(ctx context.Context)
	Logger   *slog.Logger
	// Usage reports the process's CPU use (percent of the cores it may use) and resident
	// memory; nil: measured from the operating system.
	Usage func() (cpuPercent float64, rssBytes uint64)

	HeartbeatInterval time.Duration
	ReportInterval    time.Duration
	// MasterTimeout is how long the worker waits without a heartbeat from the master
	// before it stops its users and gives up.
	MasterTimeout time.Duration
	// ConnectTimeout bounds the wait for the master to register the worker at start.
	ConnectTimeout time.Duration
	// AckTimeout is how long to wait for an ack before sending client_ready again.
	AckTimeout time.Duration
	DialRetry  time.Duration
}

func (c *Config) defaults() {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&c.HeartbeatInterval, DefaultHeartbeatInterval)
	set(&c.ReportInterval, DefaultReportInterval)
	set(&c.MasterTimeout, DefaultMasterTimeout)
	set(&c.ConnectTimeout, DefaultConnectTimeout)
	set(&c.AckTimeout, DefaultAckTimeout)
	set(&c.DialRetry, DefaultDialRetry)
	if c.NodeID == "" {
		c.NodeID = NewNodeID()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Usage == nil {
		c.Usage = newUsageMeter().sample
	}
	if c.Flush == nil {
		c.Flush = func(context.Context) error { return nil }
	}
	if c.TestStart == nil {
		c.TestStart = func(context.Context) error { return nil }
	}
	if c.TestStop == nil {
		c.TestStop = func(context.Context) {}
	}
}

// NewNodeID makes a node id the way Locust's workers do: hostname_<32 hex digits>.
func NewNodeID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "xk6-neo4j"
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return host + "_" + hex.EncodeToString(b[:])
}

// Worker is one Locust worker. Run it once.
type Worker struct {
	cfg   Config
	conn  *Conn
	log   *slog.Logger
	state atomic.Value // string: the heartbeat's state

	reportMu sync.Mutex // a report's take and send, and the stop sequence, in one piece
	unsent   bool       // under reportMu: a report is waiting in Stats for the master

	opsMu   sync.Mutex
	ops     []op
	opReady chan struct{}

	seenErrs sync.Map // problems already logged, so a ramp of spawns logs each once
}

type opKind int

const (
	opSpawn opKind = iota
	opStop
	opQuit
)

type op struct {
	kind        opKind
	users       map[string]int
	stopTimeout time.Duration
}

// NewWorker prepares a worker.
func NewWorker(cfg Config) *Worker {
	cfg.defaults()
	w := &Worker{cfg: cfg, log: cfg.Logger, opReady: make(chan struct{}, 1)}
	w.state.Store(StateReady)
	return w
}

// NodeID is the worker's identity.
func (w *Worker) NodeID() string { return w.cfg.NodeID }

// Run connects, registers and follows the master until it says quit (nil), goes silent
// for the master timeout (ErrMasterGone), or ctx ends (ctx's error; the master is told the
// worker quits). Every way out stops the users, ends a running test and sends a last
// report first.
func (w *Worker) Run(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, w.cfg.ConnectTimeout)
	defer cancel()
	conn, err := Dial(cctx, w.cfg.Master, w.cfg.NodeID, w.cfg.DialRetry, w.log)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w at %s within %s: %w", ErrNoMaster, w.cfg.Master, w.cfg.ConnectTimeout, err)
	}
	w.conn = conn
	defer conn.Close()
	index, err := w.register(cctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	w.log.Info(fmt.Sprintf("connected to the Locust master at %s as worker %d", w.cfg.Master, index), "node", w.cfg.NodeID)
	return w.loop(ctx)
}

// register sends client_ready until the master acks it.
func (w *Worker) register(ctx context.Context) (int, error) {
	for attempt := 1; ; attempt++ {
		// -1: skip the master's version check (we are not a Python Locust of some version).
		if err := w.conn.Send(TypeClientReady, -1); err != nil && !errors.Is(err, ErrNotConnected) {
			return 0, err
		}
		t := time.NewTimer(w.cfg.AckTimeout)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, fmt.Errorf("%w at %s within %s: no ack to client_ready (%d sent)", ErrNoMaster, w.cfg.Master, w.cfg.ConnectTimeout, attempt)
			case <-t.C:
				if attempt%6 == 0 {
					w.log.Warn(fmt.Sprintf("the Locust master at %s has not answered yet; still trying", w.cfg.Master))
				}
				break wait
			case in := <-w.conn.Incoming():
				if in.Lost != nil {
					w.conn.Redial(ctx, nil)
					continue
				}
				if in.Msg.Type != TypeAck {
					w.log.Debug("ignoring a message before the ack", "type", in.Msg.Type)
					continue
				}
				t.Stop()
				ack, err := ParseAck(in.Msg.Data)
				if err != nil {
					w.log.Warn(err.Error())
				}
				return ack.Index, nil
			}
		}
	}
}

func (w *Worker) loop(ctx context.Context) error {
	opsDone := make(chan struct{})
	go w.runOps(opsDone)
	hb := time.NewTicker(w.cfg.HeartbeatInterval)
	defer hb.Stop()
	rep := time.NewTicker(w.cfg.ReportInterval)
	defer rep.Stop()

	var (
		lastHeartbeat time.Time // zero until the master's first heartbeat
		lastSpawn     float64
		stopTimeout   time.Duration
		leaving       bool
		exitErr       error
		tellMaster    bool // we are the ones leaving: say quit
		ctxDone       = ctx.Done()
	)
	leave := func(err error) {
		if leaving {
			return
		}
		leaving, exitErr = true, err
		w.enqueue(op{kind: opQuit, stopTimeout: stopTimeout})
	}
	for {
		select {
		case <-ctxDone:
			ctxDone = nil
			w.log.Warn("stopping: ending the users, then leaving the Locust master")
			tellMaster = !leaving
			leave(ctx.Err())
		case <-opsDone:
			if tellMaster {
				w.send(TypeQuit, nil)
			}
			return exitErr
		case <-hb.C:
			cpu, mem := w.cfg.Usage()
			w.send(TypeHeartbeat, HeartbeatData(w.state.Load().(string), cpu, mem))
			if !lastHeartbeat.IsZero() && time.Since(lastHeartbeat) > w.cfg.MasterTimeout && !leaving {
				w.log.Error(fmt.Sprintf("the Locust master at %s has sent no heartbeat for %s: it is gone; stopping the users and exiting", w.cfg.Master, w.cfg.MasterTimeout))
				leave(fmt.Errorf("%w: no heartbeat from %s for %s", ErrMasterGone, w.cfg.Master, w.cfg.MasterTimeout))
			}
		case <-rep.C:
			w.report()
		case in := <-w.conn.Incoming():
			if in.Lost != nil {
				if lastHeartbeat.IsZero() {
					lastHeartbeat = time.Now() // an old master sends none: the timeout still applies
				}
				w.log.Warn(fmt.Sprintf("lost the connection to the Locust master at %s (%v); reconnecting, and giving up after %s without a heartbeat", w.cfg.Master, in.Lost, w.cfg.MasterTimeout))
				w.conn.Redial(ctx, func() { w.log.Info(fmt.Sprintf("reconnected to the Locust master at %s", w.cfg.Master)) })
				continue
			}
			m := in.Msg
			switch m.Type {
			case TypeHeartbeat:
				lastHeartbeat = time.Now()
			case TypeSpawn:
				s, err := ParseSpawn(m.Data)
				if err != nil {
					w.log.Warn(fmt.Sprintf("ignoring a spawn message: %v", err))
					continue
				}
				if leaving {
					continue
				}
				if s.Timestamp <= lastSpawn {
					w.log.Debug("ignoring a spawn message not newer than the last", "timestamp", s.Timestamp)
					continue
				}
				lastSpawn = s.Timestamp
				stopTimeout = time.Duration(s.StopTimeout * float64(time.Second))
				w.state.Store(StateSpawning)
				w.send(TypeSpawning, nil)
				w.enqueue(op{kind: opSpawn, users: s.Users, stopTimeout: stopTimeout})
			case TypeStop:
				if !leaving {
					w.enqueue(op{kind: opStop, stopTimeout: stopTimeout})
				}
			case TypeQuit:
				w.log.Info("the Locust master says quit")
				leave(nil)
			case TypeReconnect:
				w.log.Warn("the Locust master asks for a reconnect: new socket, same identity")
				w.conn.Redial(ctx, nil)
			case TypeAck:
				if ack, err := ParseAck(m.Data); err == nil {
					w.log.Debug("registered again", "index", ack.Index)
				}
			case TypeSpawningComplete, TypeUpdateUserClass:
				w.log.Debug("noted", "type", m.Type)
			default:
				w.log.Debug("ignoring a message of an unknown type", "type", m.Type)
			}
		}
	}
}

func (w *Worker) send(typ string, data any) {
	if err := w.conn.Send(typ, data); err != nil && !errors.Is(err, ErrNotConnected) {
		w.log.Debug(err.Error())
	}
}

// report sends what was measured since the last report.
func (w *Worker) report() {
	w.reportMu.Lock()
	defer w.reportMu.Unlock()
	w.reportLocked()
}

// reportLocked sends a report. One that cannot be sent (the connection to the master is
// down, or failed under it) goes back into the stats and travels with the next one: the
// master's totals catch up once the worker is reconnected instead of staying short for
// good.
func (w *Worker) reportLocked() {
	r := w.cfg.Stats.Take()
	if err := w.conn.Send(TypeStats, r.Data(w.cfg.Users.Counts())); err != nil {
		if errors.Is(err, ErrNotConnected) {
			w.cfg.Stats.PutBack(r)
			if !w.unsent {
				w.log.Warn("the Locust master is unreachable: its stats are kept here and sent once it is reachable again")
			}
			w.unsent = true
			return
		}
		w.log.Warn(err.Error())
		return
	}
	if w.unsent {
		w.log.Info("stats kept while the Locust master was unreachable are sent")
		w.unsent = false
	}
}

func (w *Worker) enqueue(o op) {
	w.opsMu.Lock()
	w.ops = append(w.ops, o)
	w.opsMu.Unlock()
	select {
	case w.opReady <- struct{}{}:
	default:
	}
}

// nextOp waits for the next operation. A spawn followed by another spawn is skipped: only
// the newest target matters.
func (w *Worker) nextOp() op {
	for {
		w.opsMu.Lock()
		for len(w.ops) > 1 && w.ops[0].kind == opSpawn && w.ops[1].kind == opSpawn {
			w.ops = w.ops[1:]
		}
		if len(w.ops) > 0 {
			o := w.ops[0]
			w.ops = w.ops[1:]
			w.opsMu.Unlock()
			return o
		}
		w.opsMu.Unlock()
		<-w.opReady
	}
}

func (w *Worker) spawnPending() bool {
	w.opsMu.Lock()
	defer w.opsMu.Unlock()
	for _, o := range w.ops {
		if o.kind == opSpawn {
			return true
		}
	}
	return false
}

// runOps carries out spawns, stops and the quit, one at a time, while the loop goes on
// heartbeating.
func (w *Worker) runOps(done chan<- struct{}) {
	defer close(done)
	var testRunning bool
	var setupErr error
	endTest := func(stopTimeout time.Duration) {
		w.cfg.Users.SetTarget(context.Background(), nil, stopTimeout) //nolint:errcheck // stopping reports nothing
		if testRunning {
			w.cfg.TestStop(context.Background())
			testRunning, setupErr = false, nil
		}
	}
	for {
		o := w.nextOp()
		switch o.kind {
		case opSpawn:
			if !testRunning {
				testRunning = true
				if setupErr = w.cfg.TestStart(context.Background()); setupErr != nil {
					w.problem("setup() failed: no users start in this test", setupErr)
				}
			}
			target := o.users
			if setupErr != nil {
				target = nil
			}
			if err := w.cfg.Users.SetTarget(context.Background(), target, o.stopTimeout); err != nil {
				w.problem("not every user could start", err)
			}
			if w.spawnPending() {
				continue
			}
			counts := w.cfg.Users.Counts()
			for cls := range o.users {
				counts[cls] += 0
			}
			w.state.Store(StateRunning)
			w.send(TypeSpawningComplete, SpawningCompleteData(counts))
			w.log.Info("users running: " + describeUsers(counts))
		case opStop:
			endTest(o.stopTimeout)
			w.reportMu.Lock()
			w.flush()
			w.reportLocked()
			// The master forgets a worker that stopped: register again to be given users
			// in the next test.
			w.send(TypeClientStopped, nil)
			w.send(TypeClientReady, -1)
			w.state.Store(StateReady)
			w.reportMu.Unlock()
			w.log.Info("test stopped by the Locust master; ready for the next")
		case opQuit:
			endTest(o.stopTimeout)
			w.reportMu.Lock()
			w.flush()
			w.reportLocked()
			w.reportMu.Unlock()
			return
		}
	}
}

func (w *Worker) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.cfg.Flush(ctx); err != nil {
		w.log.Warn(err.Error())
	}
}

// problem logs a problem once and shows it in the master's exceptions tab.
func (w *Worker) problem(what string, err error) {
	msg := what + ": " + err.Error()
	if _, seen := w.seenErrs.LoadOrStore(msg, true); seen {
		return
	}
	w.log.Error(msg)
	w.send(TypeException, ExceptionData(msg, "(on worker "+w.cfg.NodeID+")"))
}

func describeUsers(counts map[string]int) string {
	parts := make([]string, 0, len(counts))
	for _, c := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%s=%d", c, counts[c]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", sum(counts), strings.Join(parts, ", "))
}
