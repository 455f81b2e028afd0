package neo4j_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// faultProxy is a TCP proxy in front of the real Neo4j that a test can turn into the faults
// a load test meets: a server that accepts connections and never answers, a closed port, a
// server that resets every connection. It counts the connections it accepted.
type faultProxy struct {
	ln       net.Listener
	target   string
	mode     atomic.Int32
	accepted atomic.Int64

	mu    sync.Mutex
	conns []net.Conn
}

const (
	proxyForward int32 = iota
	proxyBlackHole
	proxyReset
)

func startProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	return p
}

func (p *faultProxy) URI() string { return "bolt://" + p.ln.Addr().String() }

func (p *faultProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		switch p.mode.Load() {
		case proxyReset:
			_ = c.(*net.TCPConn).SetLinger(0)
			_ = c.Close()
			continue
		case proxyBlackHole:
			p.track(c) // held open, never read, never answered
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.track(c)
		p.track(up)
		go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
		go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
	}
}

func (p *faultProxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, c)
	p.mu.Unlock()
}

// cut closes every connection made so far.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// errVUs makes n VUs of one run (one root module, so one pool), each with db connected to
// uri with the given connect() options (PW is the password of the test server), in VU
// context, each with a global pause(ms).
func errVUs(t *testing.T, n int, uri, connectOpts string) []*modulestest.VU {
	t.Helper()
	srv := testenv.RequireNeo4j(t)
	root := neo4j.New()
	vus := make([]*modulestest.VU, n)
	for i := range vus {
		vu := modulestest.NewVU(t)
		vu.Import("neo4j", root)
		_ = vu.RT.Set("pause", func(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) })
		_ = vu.RT.Set("URI", uri)
		_ = vu.RT.Set("PW", srv.Password)
		if _, err := vu.Run(`var db = neo4j.connect(URI, ` + connectOpts + `)`); err != nil {
			t.Fatalf("connect: %v", err)
		}
		vu.MoveToVUContext()
		vus[i] = vu
	}
	// Closed before the VUs are discarded (cleanups run last first): a VU's end closes its
	// sessions on a goroutine of its own, which must not overlap the driver's Close.
	t.Cleanup(func() { _ = root.Close() })
	return vus
}

// failure is what a script saw of one failed call.
type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Took    int    `json:"took"`
}

// jsFailure runs call (a JS expression) in vu and returns how it failed.
func jsFailure(t *testing.T, vu *modulestest.VU, call string) failure {
	t.Helper()
	v, err := vu.Run(`(function () {
  var t0 = Date.now();
  try { ` + call + `; } catch (e) { return JSON.stringify({code: e.code, message: e.message, took: Date.now() - t0}); }
  return 'null';
})()`)
	if err != nil {
		t.Fatal(err)
	}
	var f failure
	if v.String() == "null" {
		t.Fatalf("%s succeeded; want it to fail", call)
	}
	if err := json.Unmarshal([]byte(v.String()), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func sumOf(vu *modulestest.VU, metric string) float64 {
	var n float64
	for _, s := range vu.Samples() {
		if s.Metric.Name == metric {
			n += s.Value
		}
	}
	return n
}

// A server that accepts TCP and never answers is a timeout within the acquisition timeout,
// retried by managed transactions, never reported as a full pool.
func TestBlackHoledServerIsATimeoutNotAFullPool(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	p := startProxy(t, srv.HostPort)
	// maxConnectionLifetime: 1 ms makes every call open a new connection, through the proxy.
	vu := errVUs(t, 1, p.URI(), `{password: PW, connectionAcquisitionTimeout: 1000, maxTransactionRetryTime: 1500, maxConnectionLifetime: 1}`)[0]
	if _, err := vu.Run(`db.run('RETURN 1')`); err != nil {
		t.Fatal(err)
	}
	p.mode.Store(proxyBlackHole)
	p.cut()
	vu.Samples()

	f := jsFailure(t, vu, `db.run('RETURN 1')`)
	if f.Code != neo4j.CodeTimeout || f.Took < 900 || f.Took > 1000+3000 {
		t.Fatalf("auto-commit on a black-holed server: %+v; want code timeout after about 1 s (connectionAcquisitionTimeout)", f)
	}
	if strings.Contains(f.Message, "pool") || !strings.Contains(f.Message, "connectionAcquisitionTimeout (1s)") {
		t.Fatalf("message %q: want a timeout naming connectionAcquisitionTimeout, not a pool problem", f.Message)
	}
	f = jsFailure(t, vu, `db.read('RETURN 1')`)
	if f.Code != neo4j.CodeTimeout || f.Took > 1500+1000+3000 {
		t.Fatalf("managed read on a black-holed server: %+v; want code timeout within maxTransactionRetryTime + one acquisition", f)
	}
	if r := sumOf(vu, "neo4j_tx_retries"); r < 1 {
		t.Fatalf("neo4j_tx_retries %v: a managed transaction retries a connection that timed out, as the driver does", r)
	}
}

func TestConnectToABlackHoledServerIsATimeout(t *testing.T) {
	testenv.RequireNeo4j(t)
	bh := testenv.NewBlackHole(t, "")
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	t.Cleanup(func() { _ = root.Close() })
	vu.Import("neo4j", root)
	_ = vu.RT.Set("URI", "bolt://"+bh.Addr)
	v, err := vu.Run(`var code; try { neo4j.connect(URI, {password: 'whatever1', connectionAcquisitionTimeout: 500}); } catch (e) { code = e.code; } code`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != neo4j.CodeTimeout {
		t.Fatalf("connect() to a server that never answers: code %s, want timeout", v)
	}
}

// A closed port and a server that resets connections are connectivity errors, retried by
// managed transactions within maxTransactionRetryTime.
func TestRefusedAndResetConnectionsAreConnectivity(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	p := startProxy(t, srv.HostPort)
	vu := errVUs(t, 1, p.URI(), `{password: PW, connectionAcquisitionTimeout: 2000, maxTransactionRetryTime: 1000, maxConnectionLifetime: 1}`)[0]
	if _, err := vu.Run(`db.run('RETURN 1')`); err != nil {
		t.Fatal(err)
	}
	p.mode.Store(proxyReset)
	p.cut()
	vu.Samples()
	f := jsFailure(t, vu, `db.run('RETURN 1')`)
	if f.Code != neo4j.CodeConnectivity {
		t.Fatalf("reset connection: %+v, want connectivity", f)
	}
	_ = p.ln.Close() // now nothing listens: refused
	f = jsFailure(t, vu, `db.run('RETURN 1')`)
	if f.Code != neo4j.CodeConnectivity || f.Took > 1500 {
		t.Fatalf("closed port: %+v, want connectivity at once", f)
	}
	f = jsFailure(t, vu, `db.read('RETURN 1')`)
	if f.Code != neo4j.CodeConnectivity || f.Took > 1000+3000 {
		t.Fatalf("closed port, managed read: %+v, want connectivity within maxTransactionRetryTime", f)
	}
	if r := sumOf(vu, "neo4j_tx_retries"); r < 1 {
		t.Fatalf("neo4j_tx_retries %v: a refused connection is retried, as the driver does", r)
	}
}

// A really full pool is pool_exhausted, for managed and auto-commit calls alike, and is not
// retried.
func TestFullPoolIsPoolExhaustedAndNotRetried(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	vus := errVUs(t, 2, srv.URI, `{password: PW, maxConnectionPoolSize: 1, connectionAcquisitionTimeout: 300, maxTransactionRetryTime: 3000}`)
	a, b := vus[0], vus[1]
	held := make(chan struct{})
	release := make(chan struct{})
	_ = a.RT.Set("holding", func() { close(held); <-release })
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(`db.readTx(function (tx) { tx.run('UNWIND range(1, 3) AS x RETURN count(x)'); holding(); })`)
		done <- err
	}()
	<-held
	read := jsFailure(t, b, `db.read('RETURN 2')`)
	auto := jsFailure(t, b, `db.run('RETURN 3')`)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, f := range []failure{read, auto} {
		if f.Code != neo4j.CodePoolExhausted || f.Took > 300+1500 {
			t.Fatalf("full pool: %+v, want pool_exhausted after about 300 ms, not retried", f)
		}
		if !strings.Contains(f.Message, "all 1 connections") {
			t.Fatalf("message %q does not say the pool was full", f.Message)
		}
	}
	if r := sumOf(b, "neo4j_tx_retries"); r != 0 {
		t.Fatalf("neo4j_tx_retries %v: a full pool must not be retried", r)
	}
}

// A call's own timeout is a timeout whatever stage it cuts (dial, handshake, waiting for a
// lock, reading), and its message is the same every time.
func TestCallTimeoutIsAlwaysATimeoutWithOneMessage(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	vus := errVUs(t, 2, srv.URI, `{password: PW}`)
	a, b := vus[0], vus[1]
	label := fmt.Sprintf("CallTimeout%d", time.Now().UnixNano())
	if _, err := a.Run(`db.write('CREATE (:` + label + ` {k: 1})')`); err != nil {
		t.Fatal(err)
	}
	// A holds the node's write lock, so B's writes wait on the server (cheaply) until their
	// 5 ms run out; some are cut while connecting instead, since a cut connection is lost.
	held := make(chan struct{})
	release := make(chan struct{})
	_ = a.RT.Set("holding", func() { close(held); <-release })
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(`db.writeTx(function (tx) { tx.run('MATCH (n:` + label + `) SET n.v = 0'); holding(); })`)
		done <- err
	}()
	<-held
	v, err := b.Run(`
var codes = {}, messages = {}, q = 'MATCH (n:` + label + `) SET n.v = 1';
var calls = [
  function () { db.write(q, {}, {timeout: 5}); },
  function () { db.run(q, {}, {timeout: 5}); },
  function () { db.writeTx(function (tx) { tx.run(q); }, {timeout: 5}); },
];
for (var i = 0; i < 200; i++) {
  try { calls[i % 3](); codes.succeeded = (codes.succeeded || 0) + 1; }
  catch (e) { codes[e.code] = (codes[e.code] || 0) + 1; messages[e.code + ': ' + e.message] = true; }
}
JSON.stringify({codes: codes, messages: Object.keys(messages)})`)
	close(release)
	if err2 := <-done; err2 != nil {
		t.Fatal(err2)
	}
	_, _ = a.Run(`db.write('MATCH (n:` + label + `) DELETE n')`)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Codes    map[string]int `json:"codes"`
		Messages []string       `json:"messages"`
	}
	if err := json.Unmarshal([]byte(v.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got.Codes[neo4j.CodeTimeout] != 200 || len(got.Codes) != 1 {
		t.Fatalf("200 calls with timeout: 5 gave %v; want all 200 timeout; messages: %q", got.Codes, got.Messages)
	}
	if len(got.Messages) != 1 || !strings.Contains(got.Messages[0], "the call's timeout (5ms) expired") {
		t.Fatalf("200 timeouts gave %d distinct messages: %q; want 1", len(got.Messages), got.Messages)
	}
	// 134 write() and run() calls count as failed queries; the 66 writeTx() as failed
	// transactions (plus a failed query when the time ran out in tx.run()).
	queries, txs := 0, 0
	for _, s := range b.Samples() {
		c, _ := s.Tags.Get("error_code")
		switch {
		case s.Metric.Name == "neo4j_query_failed" && s.Value == 1:
			queries++
		case s.Metric.Name == "neo4j_tx_duration" && c != "":
			txs++
		default:
			continue
		}
		if c != neo4j.CodeTimeout {
			t.Fatalf("%s counted with error_code %q, want timeout", s.Metric.Name, c)
		}
	}
	if queries < 134 || txs != 66 {
		t.Fatalf("%d failed queries (want at least 134) and %d failed transactions (want 66)", queries, txs)
	}
}

// tx.run() refuses the options of the whole transaction, naming them, and keeps tags.
func TestTxRunRefusesTransactionOptionsAndKeepsTags(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	vu := errVUs(t, 1, srv.URI, `{password: PW}`)[0]
	for _, c := range []struct{ fn, opt string }{
		{"readTx", "timeout: 100"}, {"writeTx", "database: 'neo4j'"}, {"readTx", "metadata: {app: 'x'}"},
	} {
		_, err := vu.Run(`db.` + c.fn + `(function (tx) { tx.run('RETURN 1', {}, {` + c.opt + `}); })`)
		name := c.opt[:strings.Index(c.opt, ":")]
		if err == nil || !strings.Contains(err.Error(), `"`+name+`" in tx.run()`) || !strings.Contains(err.Error(), c.fn+"(fn, {"+name) {
			t.Fatalf("tx.run with {%s}: got %v; want an error naming %q and pointing to %s()", c.opt, err, name, c.fn)
		}
	}
	vu.Samples()
	v, err := vu.Run(`db.readTx(function (tx) { return tx.run('RETURN 1 AS one', {}, {tags: {name: 'in-tx'}}).records[0].one; }, {timeout: 5000, metadata: {app: 'x'}})`)
	if err != nil || v.String() != "1" {
		t.Fatalf("tx.run with tags: %v %v", v, err)
	}
	named := false
	for _, s := range vu.Samples() {
		if n, _ := s.Tags.Get("name"); s.Metric.Name == "neo4j_queries" && n == "in-tx" {
			named = true
		}
	}
	if !named {
		t.Fatal("tx.run's tags were not applied")
	}
}

// adminRun runs a statement on the system database as neo4j.
func adminRun(t *testing.T, srv testenv.Neo4j, cypher string, params map[string]any) {
	t.Helper()
	d, err := driver.NewDriverWithContext(srv.URI, driver.BasicAuth("neo4j", srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := driver.ExecuteQuery(ctx, d, cypher, params, driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase("system")); err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
}

// After the server starts refusing an identity's logins, 20 VUs hammering it reach the server
// a few times per second, not hundreds, and every call still fails and is counted; once the
// password is right again the calls go through.
func TestRefusedLoginsBackOffPerIdentity(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	user := "backoff_" + hex.EncodeToString(suffix)
	pw1, pw2 := "first-"+hex.EncodeToString(suffix), "second-"+hex.EncodeToString(suffix)
	adminRun(t, srv, "CREATE USER "+user+" SET PASSWORD $pw CHANGE NOT REQUIRED", map[string]any{"pw": pw1})
	t.Cleanup(func() { adminRun(t, srv, "DROP USER "+user+" IF EXISTS", nil) })

	p := startProxy(t, srv.HostPort)
	const nVU = 20
	// maxConnectionLifetime: 1 ms: every call opens a connection and logs in.
	vus := errVUs(t, nVU, p.URI(), fmt.Sprintf(`{user: %q, password: %q, maxConnectionLifetime: 1}`, user, pw1))
	for _, vu := range vus {
		if _, err := vu.Run(`db.run('RETURN 1')`); err != nil {
			t.Fatal(err)
		}
		vu.Samples()
	}
	adminRun(t, srv, "ALTER USER "+user+" SET PASSWORD $pw CHANGE NOT REQUIRED", map[string]any{"pw": pw2})
	before := p.accepted.Load()

	type result struct {
		calls, refused, counted int
		err                     error
	}
	results := make([]result, nVU)
	var wg sync.WaitGroup
	for i, vu := range vus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := vu.Run(`
var calls = 0, refused = 0, stop = Date.now() + 3000;
while (Date.now() < stop) {
  calls++;
  try { db.run('RETURN 1'); } catch (e) {
    if (e.code === 'Neo.ClientError.Security.Unauthorized' || e.code === 'Neo.ClientError.Security.AuthenticationRateLimit') refused++;
  }
}
calls + ' ' + refused`)
			if err != nil {
				results[i].err = err
				return
			}
			_, _ = fmt.Sscanf(v.String(), "%d %d", &results[i].calls, &results[i].refused)
			for _, s := range vu.Samples() {
				if s.Metric.Name == "neo4j_query_failed" && s.Value == 1 {
					results[i].counted++
				}
			}
		}()
	}
	wg.Wait()
	logins := p.accepted.Load() - before
	calls := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.calls < 1 || r.refused != r.calls || r.counted != r.calls {
			t.Fatalf("VU %d: %d calls, %d refused, %d counted as failed; want every call to end refused and counted", i, r.calls, r.refused, r.counted)
		}
		calls += r.calls
	}
	t.Logf("%d VUs for 3 s: %d calls, %d logins reached the server", nVU, calls, logins)
	// The first burst (one per VU), then one login per window of 100, 200, 400, 800, 1600 ms.
	if logins > nVU+15 {
		t.Fatalf("%d logins reached the server in 3 s (%d calls); want at most %d: refused logins must back off", logins, calls, nVU+15)
	}

	// The password is right again: within the longest window the calls go through.
	adminRun(t, srv, "ALTER USER "+user+" SET PASSWORD $pw CHANGE NOT REQUIRED", map[string]any{"pw": pw1})
	time.Sleep(5 * time.Second) // the server's lock after failed logins lasts 5 s
	v, err := vus[0].Run(`var t0 = Date.now(), ok = false;
while (!ok && Date.now() - t0 < 15000) { try { db.run('RETURN 1'); ok = true; } catch (e) { pause(100); } }
ok`)
	if err != nil || v.String() != "true" {
		t.Fatalf("calls did not succeed again after the password was restored: %v %v", v, err)
	}
}
