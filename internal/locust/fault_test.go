package locust_test

// Fault tests under a real Locust master: the connection to the master cut for 5 s, the
// master killed, a worker killed, and what the master's failures table may show. Each uses
// ports of its own, stops what it starts, and checks counts, exit codes and files.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cutProxy forwards TCP connections from a port of its own to the master, and can cut
// them: every open connection is closed, and new ones are accepted and closed at once
// (what a reset-happy network or a restarting load balancer does) until it is restored.
type cutProxy struct {
	ln     net.Listener
	target string

	mu       sync.Mutex
	conns    []net.Conn
	cut      bool
	accepted int // connections forwarded
	refused  int // connections closed at once while cut
	wg       sync.WaitGroup
}

func startProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.refused++
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.mu.Unlock()
		d, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.cut { // cut while dialling
			p.mu.Unlock()
			_ = c.Close()
			_ = d.Close()
			continue
		}
		p.accepted++
		p.conns = append(p.conns, c, d)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, d)
		go p.pipe(d, c)
	}
}

func (p *cutProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

// setCut cuts (true) or restores (false) the connection.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	var conns []net.Conn
	if cut {
		conns, p.conns = p.conns, nil
	}
	p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

func (p *cutProxy) counts() (accepted, refused int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted, p.refused
}

func (p *cutProxy) close() {
	_ = p.ln.Close()
	p.setCut(true)
	p.wg.Wait()
}

// labelledScript writes a worker script whose query names start with the worker's label
// (-e W=label), so the master's rows of each worker can be told apart. Every iteration
// runs a good query and a failing one.
func labelledScript(t *testing.T) string {
	t.Helper()
	src := `import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });
export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: __ENV.W + '-ok' } });
  try {
    db.read('RETRUN 1', {}, { tags: { name: __ENV.W + '-bad' } });
  } catch (e) {
    // a failed request; the iteration goes on
  }
  sleep(0.02);
}
`
	p := filepath.Join(t.TempDir(), "labelled.js")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// only keeps the rows whose name starts with prefix.
func only(m map[queryKey]counts, prefix string) map[queryKey]counts {
	out := map[queryKey]counts{}
	for k, c := range m {
		if strings.HasPrefix(k.name, prefix) {
			out[k] = c
		}
	}
	return out
}

func waitOutput(t *testing.T, p *proc, what string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.err.String()+p.out.String(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not say %q within %s", p.name, what, timeout)
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited (%d) before saying %q", p.name, p.code, what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func readStatsCSV(t *testing.T, path string) map[queryKey]counts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var es []statsEntry
	for _, r := range rows[1:] { // Type,Name,Request Count,Failure Count,...
		n, _ := strconv.ParseInt(r[2], 10, 64)
		fl, _ := strconv.ParseInt(r[3], 10, 64)
		es = append(es, statsEntry{Method: r[0], Name: r[1], NumRequests: n, NumFailures: fl})
	}
	return entryCounts(es)
}

// The connection between a worker and the master is cut for 5 s mid-run (a proxy between
// them closes it and refuses new ones). The worker keeps what it measured meanwhile,
// reconnects and sends it: the master's totals equal the worker's own summary, per name.
func TestLocustCutConnection(t *testing.T) {
	t.Parallel()
	e := setup(t)
	prefix := filepath.Join(t.TempDir(), "run")
	m := startMaster(t, e, "--headless", "-u", "4", "-r", "4", "-t", "30s", "--expect-workers", "2",
		"--expect-workers-max-wait", "60", "--json-file", prefix, "--csv", prefix, "--only-summary")
	proxy := startProxy(t, fmt.Sprintf("127.0.0.1:%d", m.port))
	script := labelledScript(t)
	direct := startWorker(t, e, m, "direct worker", script, "-e", "W=direct")
	viaProxy := start(t, "proxied worker",
		[]string{"NEO4J_URI=" + e.neo4j.URI, "NEO4J_USER=neo4j", "NEO4J_PASSWORD=" + e.neo4j.Password},
		binary, "worker", "--quiet", "--no-color", "--master", proxy.addr(), "-e", "W=proxied", script)

	waitOutput(t, viaProxy, "users running:", 90*time.Second)
	time.Sleep(2 * time.Second) // a report or two through the proxy first
	proxy.setCut(true)
	cutAt := time.Now()
	waitOutput(t, viaProxy, "the Locust master is unreachable: its stats are kept here", 15*time.Second)
	time.Sleep(5*time.Second - time.Since(cutAt))
	proxy.setCut(false)
	waitOutput(t, viaProxy, "stats kept while the Locust master was unreachable are sent", 30*time.Second)

	if code := m.wait(t, 120*time.Second); code != 1 { // 1: the test had failures (the -bad queries)
		t.Fatalf("master exit %d", code)
	}
	for _, w := range []*proc{direct, viaProxy} {
		if code := w.wait(t, 30*time.Second); code != 0 {
			t.Fatalf("%s exit %d", w.name, code)
		}
	}
	if accepted, refused := proxy.counts(); accepted < 2 || refused < 1 {
		t.Fatalf("proxy forwarded %d connections and refused %d: the worker did not reconnect through it while cut", accepted, refused)
	}
	if !strings.Contains(viaProxy.err.String(), "lost the connection to the Locust master") {
		t.Errorf("the proxied worker did not notice the cut:\n%s", viaProxy.err.String())
	}

	proxied, direct2 := workerCounts(t, viaProxy), workerCounts(t, direct)
	for _, w := range []map[queryKey]counts{proxied, direct2} {
		for k, c := range w {
			if c.requests == 0 || (strings.HasSuffix(k.name, "-bad") && c.failures != c.requests) {
				t.Fatalf("worker counts %v", w)
			}
		}
	}
	b, err := os.ReadFile(prefix + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []statsEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatalf("master JSON: %v\n%s", err, b)
	}
	fromJSON, fromCSV := entryCounts(entries), readStatsCSV(t, prefix+"_stats.csv")
	sameCounts(t, "master JSON vs the proxied worker's summary", only(fromJSON, "proxied-"), proxied)
	sameCounts(t, "master CSV vs the proxied worker's summary", only(fromCSV, "proxied-"), proxied)
	sameCounts(t, "master JSON vs the direct worker's summary", only(fromJSON, "direct-"), direct2)
	if len(proxied) != 2 || len(direct2) != 2 {
		t.Errorf("worker rows: proxied %v, direct %v", proxied, direct2)
	}
}

// The master killed mid-run: the worker notices within its master timeout (5 s here, 60 s
// by default), stops its users, writes its summary, --out file and --summary-export with
// everything it measured, and exits 105 with a message saying why.
func TestLocustMasterKilled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := startMaster(t, e)
	dir := t.TempDir()
	jsonOut, export := filepath.Join(dir, "out.json"), filepath.Join(dir, "summary.json")
	w := startWorker(t, e, m, "worker", filepath.Join(repoRoot, "examples", "locust.js"),
		"--master-timeout", "5s", "--out", "json="+jsonOut, "--summary-export", export)
	ui := webUI{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", m.webPort)}
	ui.until("a worker ready", 60*time.Second, func(s uiStats) bool { return s.WorkerCount == 1 })
	ui.post("/swarm", url.Values{"user_count": {"2"}, "spawn_rate": {"2"}})
	ui.until("running", 30*time.Second, func(s uiStats) bool { return s.State == "running" && s.UserCount == 2 })
	time.Sleep(2 * time.Second)
	m.signal(t, syscall.SIGKILL)
	killed := time.Now()
	m.wait(t, 10*time.Second)

	code := w.wait(t, 60*time.Second)
	took := w.exitedAt.Sub(killed)
	if code != 105 {
		t.Errorf("worker exit %d, want 105 (stopped from outside)", code)
	}
	// The last heartbeat came up to 1 s before the kill; then up to a heartbeat interval
	// to notice, the users' stop, teardown and the summary. Generous for a loaded CI.
	if took < 3*time.Second || took > 25*time.Second {
		t.Errorf("the worker left %s after the master died, want about its 5s timeout", took.Round(100*time.Millisecond))
	}
	if !strings.Contains(w.err.String(), "has sent no heartbeat for 5s: it is gone; stopping the users and exiting") {
		t.Errorf("no clear message on stderr:\n%s", w.err.String())
	}
	if !strings.Contains(w.out.String(), "the Locust master is gone") {
		t.Errorf("the summary does not say why the worker stopped:\n%s", w.out.String())
	}
	wc := workerCounts(t, w)
	var queries int64
	for _, c := range wc {
		queries += c.requests
	}
	if wc[queryKey{"person-by-id", "read"}].requests == 0 || wc[queryKey{"count-visit", "write"}].requests == 0 {
		t.Fatalf("summary counts %v", wc)
	}
	// --summary-export and --out json hold the same number of queries as the summary.
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatalf("--summary-export: %v", err)
	}
	var sum struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatalf("--summary-export: %v\n%s", err, b)
	}
	if n, _ := sum.Metrics["neo4j_queries"]["count"].(float64); int64(n) != queries {
		t.Errorf("--summary-export counts %v queries, the summary %d", sum.Metrics["neo4j_queries"], queries)
	}
	if n := countPoints(t, jsonOut, "neo4j_queries"); n != queries {
		t.Errorf("--out json has %d neo4j_queries points, the summary %d queries", n, queries)
	}
}

// countPoints counts the Point lines of metric in a k6 NDJSON file.
func countPoints(t *testing.T, path, metric string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("--out json: %v", err)
	}
	defer f.Close()
	var n int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
		}
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Type == "Point" && l.Metric == metric {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// A worker SIGKILLed mid-run: the master notices within its heartbeat timeout (Locust's
// liveness of 3 heartbeats of 1 s), its worker count drops, and the other worker goes on;
// what the survivor measured all reaches the master.
func TestLocustWorkerKilled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := startMaster(t, e)
	script := labelledScript(t)
	victim := startWorker(t, e, m, "killed worker", script, "-e", "W=victim")
	survivor := startWorker(t, e, m, "surviving worker", script, "-e", "W=survivor")
	ui := webUI{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", m.webPort)}
	ui.until("two workers ready", 60*time.Second, func(s uiStats) bool { return s.WorkerCount == 2 })
	ui.post("/swarm", url.Values{"user_count": {"4"}, "spawn_rate": {"4"}})
	ui.until("both workers running", 30*time.Second, func(s uiStats) bool {
		return s.State == "running" && len(s.Workers) == 2 && s.Workers[0].State == "running" && s.Workers[1].State == "running"
	})
	time.Sleep(time.Second)
	victim.signal(t, syscall.SIGKILL)
	killed := time.Now()
	s := ui.until("the worker count down to 1", 30*time.Second, func(s uiStats) bool { return s.WorkerCount == 1 })
	// Locust marks a worker missing after 3 missed 1 s heartbeats; allow for a loaded CI.
	if took := time.Since(killed); took > 12*time.Second {
		t.Errorf("the master noticed the dead worker after %s, want within its ~4s heartbeat timeout", took.Round(100*time.Millisecond))
	}
	missing := 0
	for _, w := range s.Workers {
		if w.State == "missing" {
			missing++
		}
	}
	if missing != 1 {
		t.Errorf("workers %+v, want one missing", s.Workers)
	}
	before := s.total()
	ui.until("the other worker going on", 30*time.Second, func(s uiStats) bool {
		return s.State == "running" && s.total() > before+20
	})
	ui.post("/stop", nil)
	s = ui.until("stopped", 30*time.Second, func(s uiStats) bool { return s.State == "stopped" })
	m.signal(t, syscall.SIGTERM)
	if code := survivor.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("the surviving worker exit %d", code)
	}
	if code := victim.wait(t, time.Second); code != -1 && code != 137 {
		t.Errorf("the killed worker's exit %d", code)
	}
	got, want := only(entryCounts(s.Stats), "survivor-"), workerCounts(t, survivor)
	if len(want) != 2 {
		t.Fatalf("survivor's summary rows %v", want)
	}
	sameCounts(t, "master vs the surviving worker's summary", got, want)
	if v := only(entryCounts(s.Stats), "victim-"); v[queryKey{"victim-ok", "read"}].requests == 0 {
		t.Errorf("nothing from the killed worker reached the master before it died: %v", v)
	}
}

// What reaches the master never carries a password or Go internals: a script whose
// iterations throw the errors of connect() with a wrong-type password (a number, a BigInt)
// and with the password as the whole second argument. The master's failures table (CSV,
// HTML report, its log) and the worker's own output hold neither the password nor a
// "github.com/" frame.
func TestLocustNoSecretsInFailures(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const numeric = "987654321"
	src := `import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
const uri = __ENV.NEO4J_URI;
// In init, as scripts connect.
const caught = [];
for (const f of [
  () => neo4j.connect(uri, { password: 987654321 }),
  () => neo4j.connect(uri, { user: 'neo4j', password: 987654321n }),
  () => neo4j.connect(uri, __ENV.NEO4J_PASSWORD),
]) {
  try { f(); caught.push(new Error('connect() did not fail')); } catch (e) { caught.push(e); }
}
export default function () {
  sleep(0.05);
  const i = __ITER % (caught.length + 1);
  if (i < caught.length) {
    throw caught[i];
  }
  // In a VU's iteration too.
  neo4j.connect(uri, { password: 987654321 });
}
`
	script := filepath.Join(t.TempDir(), "secrets.js")
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "run")
	m := startMaster(t, e, "--headless", "-u", "2", "-r", "2", "-t", "8s", "--expect-workers", "1",
		"--expect-workers-max-wait", "60", "--csv", prefix, "--html", prefix+".html", "--only-summary")
	w := startWorker(t, e, m, "worker", script)
	m.wait(t, 90*time.Second)
	if code := w.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("worker exit %d", code)
	}

	b, err := os.ReadFile(prefix + "_failures.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var occurrences int64
	for _, r := range rows[1:] { // Method,Name,Error,Occurrences
		if r[0] != "exception" {
			t.Errorf("unexpected failure row %v", r)
			continue
		}
		n, _ := strconv.ParseInt(r[3], 10, 64)
		occurrences += n
		if strings.Contains(r[2], "connect() did not fail") {
			t.Errorf("connect() accepted a wrong-type password: %v", r)
		}
	}
	if occurrences < 8 {
		t.Fatalf("the failures table counts %d exceptions, want the script's many:\n%s", occurrences, b)
	}
	html, err := os.ReadFile(prefix + ".html")
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{
		"the master's failures CSV": string(b),
		"the master's HTML report":  string(html),
		"the master's output":       m.out.String() + m.err.String(),
		"the worker's output":       w.out.String() + w.err.String(),
	} {
		forbidden := []string{numeric, e.neo4j.Password, "(native)", "github.com/xk6-neo4j", "github.com/grafana"}
		if !strings.HasSuffix(what, "HTML report") { // Locust's own page links to its GitHub issues
			forbidden = append(forbidden, "github.com/")
		}
		for _, secret := range forbidden {
			if strings.Contains(text, secret) {
				i := strings.Index(text, secret)
				t.Errorf("%s shows %q: …%s…", what, redactFor(secret, e.neo4j.Password), redactFor(text[max(0, i-120):min(len(text), i+len(secret)+40)], e.neo4j.Password))
			}
		}
	}
}

// redactFor hides the real password in a failure message of the test itself.
func redactFor(s, password string) string {
	return strings.ReplaceAll(s, password, "<NEO4J_PASSWORD>")
}
