package locust_test

// Integration tests: a real Locust master (2.47, from the project's venv .venv-locust, made
// by .ci/run or locust/master) and real xk6-neo4j worker processes against the real Neo4j
// at NEO4J_URI. Outside CI they are skipped when the venv or Neo4j is missing; in CI (CI
// set) that fails them. Everything listens on 127.0.0.1 and every process is bounded in
// time and killed at the end.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

var (
	repoRoot, _ = filepath.Abs("../..")
	buildOnce   sync.Once
	buildDir    string
	binary      string
	buildErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// requireLocust returns the venv's bin directory, or skips (fails in CI) without one.
func requireLocust(t *testing.T) string {
	t.Helper()
	venv := os.Getenv("LOCUST_VENV")
	if venv == "" {
		venv = filepath.Join(repoRoot, ".venv-locust")
	}
	if _, err := os.Stat(filepath.Join(venv, "bin", "locust")); err != nil {
		why := fmt.Sprintf("no Locust venv at %s (python3 -m venv .venv-locust && .venv-locust/bin/pip install -r locust/requirements.txt)", venv)
		if os.Getenv("CI") != "" {
			t.Fatalf("Locust is required in CI: %s", why)
		}
		t.Skip(why)
	}
	return venv
}

type env struct {
	venv  string
	neo4j testenv.Neo4j
}

func setup(t *testing.T) env {
	t.Helper()
	e := env{venv: requireLocust(t), neo4j: testenv.RequireNeo4j(t)}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "xk6-neo4j-locust")
		if buildErr != nil {
			return
		}
		binary = filepath.Join(buildDir, "xk6-neo4j")
		out, err := exec.Command("go", "build", "-o", binary, filepath.Join(repoRoot, "cmd", "xk6-neo4j")).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		// locust/master brings the venv up to date on first use: do that once, here, not
		// in the masters the tests start side by side.
		prep := exec.Command(filepath.Join(repoRoot, "locust", "master"), "--version")
		prep.Env = append(os.Environ(), "LOCUST_VENV="+e.venv)
		if out, err := prep.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("locust/master --version: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return e
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is a process a test started; it is killed when the test ends.
type proc struct {
	name     string
	cmd      *exec.Cmd
	out, err testenv.SyncBuffer
	done     chan struct{}
	code     int
	exitedAt time.Time
}

func start(t *testing.T, name string, environ []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(args[0], args[1:]...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), environ...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		err := p.cmd.Wait()
		p.exitedAt = time.Now()
		p.code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		} else if err != nil {
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("--- %s stdout:\n%s\n--- %s stderr:\n%s", name, p.out.String(), name, p.err.String())
		}
	})
	return p
}

func (p *proc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("%s still runs after %s", p.name, timeout)
		return 0
	}
}

func (p *proc) signal(t *testing.T, s os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		t.Fatalf("signalling %s: %v", p.name, err)
	}
}

type master struct {
	*proc
	port, webPort int
}

func startMaster(t *testing.T, e env, args ...string) *master {
	t.Helper()
	m := &master{port: freePort(t)}
	full := []string{filepath.Join(repoRoot, "locust", "master"), "--master-bind-port", strconv.Itoa(m.port), "--loglevel", "INFO"}
	if !contains(args, "--headless") {
		m.webPort = freePort(t)
		full = append(full, "--web-port", strconv.Itoa(m.webPort))
	}
	m.proc = start(t, "master", []string{"LOCUST_VENV=" + e.venv}, append(full, args...)...)
	return m
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func startWorker(t *testing.T, e env, m *master, name, script string, args ...string) *proc {
	t.Helper()
	full := append([]string{binary, "worker", "--quiet", "--no-color", "--master", fmt.Sprintf("127.0.0.1:%d", m.port)}, args...)
	full = append(full, script)
	return start(t, name, []string{"NEO4J_URI=" + e.neo4j.URI, "NEO4J_USER=neo4j", "NEO4J_PASSWORD=" + e.neo4j.Password}, full...)
}

type queryKey struct{ name, method string }

type counts struct{ requests, failures int64 }

var queryRow = regexp.MustCompile(`(?m)^    (\S+)\s+(read|write|auto)\s+(\d+)\s+(\d+)\s`)

// workerCounts reads the per-query table of a worker's summary.
func workerCounts(t *testing.T, p *proc) map[queryKey]counts {
	t.Helper()
	out := p.out.String()
	i := strings.Index(out, "QUERIES")
	if i < 0 {
		t.Fatalf("%s printed no query table:\n%s", p.name, out)
	}
	m := map[queryKey]counts{}
	for _, r := range queryRow.FindAllStringSubmatch(out[i:], -1) {
		n, _ := strconv.ParseInt(r[3], 10, 64)
		f, _ := strconv.ParseInt(r[4], 10, 64)
		m[queryKey{r[1], r[2]}] = counts{n, f}
	}
	return m
}

func sumCounts(ms ...map[queryKey]counts) map[queryKey]counts {
	out := map[queryKey]counts{}
	for _, m := range ms {
		for k, c := range m {
			s := out[k]
			s.requests += c.requests
			s.failures += c.failures
			out[k] = s
		}
	}
	return out
}

type statsEntry struct {
	Name        string `json:"name"`
	Method      string `json:"method"`
	NumRequests int64  `json:"num_requests"`
	NumFailures int64  `json:"num_failures"`
}

func entryCounts(es []statsEntry) map[queryKey]counts {
	m := map[queryKey]counts{}
	for _, e := range es {
		if e.Name == "Aggregated" && e.Method == "" {
			continue
		}
		m[queryKey{e.Name, e.Method}] = counts{e.NumRequests, e.NumFailures}
	}
	return m
}

func sameCounts(t *testing.T, what string, got, want map[queryKey]counts) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows %v, want %d rows %v", what, len(got), got, len(want), want)
		return
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s %s counted %+v, want %+v", what, k.method, k.name, got[k], w)
		}
	}
}

// Headless: the master's JSON and CSV count exactly what the two workers counted.
func TestLocustHeadless(t *testing.T) {
	t.Parallel()
	e := setup(t)
	dir := t.TempDir()
	prefix := filepath.Join(dir, "run")
	m := startMaster(t, e, "--headless", "-u", "20", "-r", "10", "-t", "20s", "--expect-workers", "2",
		"--expect-workers-max-wait", "60", "--json-file", prefix, "--csv", prefix, "--only-summary")
	script := filepath.Join(repoRoot, "examples", "locust.js")
	w1 := startWorker(t, e, m, "worker 1", script)
	w2 := startWorker(t, e, m, "worker 2", script)

	if code := m.wait(t, 120*time.Second); code != 0 {
		t.Fatalf("master exit %d", code)
	}
	for _, w := range []*proc{w1, w2} {
		if code := w.wait(t, 20*time.Second); code != 0 {
			t.Fatalf("%s exit %d after the master quit", w.name, code)
		}
		if !strings.Contains(w.err.String(), "the Locust master says quit") {
			t.Errorf("%s did not log the master's quit", w.name)
		}
	}
	c1, c2 := workerCounts(t, w1), workerCounts(t, w2)
	want := sumCounts(c1, c2)
	for _, k := range []queryKey{{"person-by-id", "read"}, {"count-visit", "write"}, {"seed-people", "write"}} {
		if want[k].requests == 0 {
			t.Errorf("the workers ran no %s %s: %v", k.method, k.name, want)
		}
	}
	if want[queryKey{"seed-people", "write"}].requests != 2 {
		t.Errorf("setup() should run once per worker: %v", want)
	}

	b, err := os.ReadFile(prefix + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []statsEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatalf("master JSON: %v\n%s", err, b)
	}
	got := entryCounts(entries)
	sameCounts(t, "master JSON vs the workers' summaries", got, want)
	for k, c := range got {
		if c.failures != 0 {
			t.Errorf("%s %s: %d failures", k.method, k.name, c.failures)
		}
	}

	sameCounts(t, "master CSV vs the workers' summaries", readStatsCSV(t, prefix+"_stats.csv"), want)
}

// Web UI: start with POST /swarm, stop, start again. Both workers show as running while a
// test runs; the second test counts from zero; the two tests add up to what the workers
// counted.
func TestLocustWebUI(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := startMaster(t, e)
	script := filepath.Join(repoRoot, "examples", "locust.js")
	w1 := startWorker(t, e, m, "worker 1", script)
	w2 := startWorker(t, e, m, "worker 2", script)
	ui := webUI{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", m.webPort)}

	ui.until("two workers ready", 60*time.Second, func(s uiStats) bool { return s.WorkerCount == 2 })
	var tests []map[queryKey]counts
	for test := 1; test <= 2; test++ {
		ui.post("/swarm", url.Values{"user_count": {"6"}, "spawn_rate": {"6"}})
		ui.until("both workers running", 30*time.Second, func(s uiStats) bool {
			running := 0
			for _, w := range s.Workers {
				if w.State == "running" && w.UserCount > 0 {
					running++
				}
			}
			return s.State == "running" && running == 2
		})
		time.Sleep(4 * time.Second)
		ui.post("/stop", nil)
		s := ui.until("stopped", 30*time.Second, func(s uiStats) bool { return s.State == "stopped" })
		c := entryCounts(s.Stats)
		if c[queryKey{"person-by-id", "read"}].requests == 0 || c[queryKey{"count-visit", "write"}].requests == 0 {
			t.Fatalf("test %d counted %v", test, c)
		}
		for k, v := range c {
			if v.failures != 0 {
				t.Errorf("test %d: %s %s failed %d times", test, k.method, k.name, v.failures)
			}
		}
		tests = append(tests, c)
		ui.until("workers ready again", 20*time.Second, func(s uiStats) bool {
			ready := 0
			for _, w := range s.Workers {
				if w.State == "ready" {
					ready++
				}
			}
			return ready == 2
		})
	}
	m.signal(t, syscall.SIGTERM)
	m.wait(t, 30*time.Second)
	for _, w := range []*proc{w1, w2} {
		if code := w.wait(t, 20*time.Second); code != 0 {
			t.Fatalf("%s exit %d", w.name, code)
		}
	}
	sameCounts(t, "the two tests vs the workers' summaries", sumCounts(tests...), sumCounts(workerCounts(t, w1), workerCounts(t, w2)))
}

// A failing query shows in the master's failures table with its Neo4j code, counted as
// often as the worker counted it; a script exception shows there too.
func TestLocustFailures(t *testing.T) {
	t.Parallel()
	e := setup(t)
	prefix := filepath.Join(t.TempDir(), "run")
	m := startMaster(t, e, "--headless", "-u", "2", "-r", "2", "-t", "6s", "--expect-workers", "1",
		"--expect-workers-max-wait", "60", "--json-file", prefix, "--csv", prefix, "--only-summary")
	w := startWorker(t, e, m, "worker", filepath.Join(repoRoot, "internal", "locust", "testdata", "failing.js"))
	m.wait(t, 90*time.Second) // exit code 1: the test had failures
	if code := w.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("worker exit %d", code)
	}
	wc := workerCounts(t, w)
	bad := wc[queryKey{"bad-syntax", "read"}]
	if bad.requests == 0 || bad.failures != bad.requests || wc[queryKey{"good-query", "read"}].failures != 0 {
		t.Fatalf("worker counts %v", wc)
	}
	b, err := os.ReadFile(prefix + "_failures.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var syntax, exceptions int64
	for _, r := range rows[1:] { // Method,Name,Error,Occurrences,...
		n, _ := strconv.ParseInt(r[3], 10, 64)
		switch {
		case r[0] == "read" && r[1] == "bad-syntax" && r[2] == "Neo.ClientError.Statement.SyntaxError":
			syntax += n
		case r[0] == "exception" && strings.HasPrefix(r[2], "Error: boom from the script"):
			exceptions += n
		default:
			t.Errorf("unexpected failure row %v", r)
		}
	}
	if syntax != bad.failures {
		t.Errorf("failures table: %d syntax errors, the worker counted %d\n%s", syntax, bad.failures, b)
	}
	if exceptions == 0 {
		t.Errorf("failures table has no script exception row:\n%s", b)
	}
	var entries []statsEntry
	jb, _ := os.ReadFile(prefix + ".json")
	if err := json.Unmarshal(jb, &entries); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, "master JSON vs the worker's summary", entryCounts(entries), wc)
}

// webUI talks to the master's HTTP API.
type webUI struct {
	t    *testing.T
	base string
}

type uiStats struct {
	State       string       `json:"state"`
	WorkerCount int          `json:"worker_count"`
	UserCount   int          `json:"user_count"`
	Stats       []statsEntry `json:"stats"`
	Workers     []struct {
		ID        string `json:"id"`
		State     string `json:"state"`
		UserCount int    `json:"user_count"`
	} `json:"workers"`
}

func (s uiStats) total() int64 {
	for _, e := range s.Stats {
		if e.Name == "Aggregated" {
			return e.NumRequests
		}
	}
	return 0
}

func (u webUI) stats() (uiStats, error) {
	var s uiStats
	resp, err := http.Get(u.base + "/stats/requests")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return s, fmt.Errorf("GET /stats/requests: %s", resp.Status)
	}
	return s, json.Unmarshal(b, &s)
}

func (u webUI) until(what string, timeout time.Duration, ok func(uiStats) bool) uiStats {
	u.t.Helper()
	deadline := time.Now().Add(timeout)
	var last uiStats
	var err error
	for time.Now().Before(deadline) {
		if last, err = u.stats(); err == nil && ok(last) {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	u.t.Fatalf("not %s within %s: last %+v, %v", what, timeout, last, err)
	return last
}

func (u webUI) post(path string, form url.Values) {
	u.t.Helper()
	resp, err := http.PostForm(u.base+path, form)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"success": true`) {
		u.t.Fatalf("POST %s: %s %s", path, resp.Status, b)
	}
}

// A threshold with abortOnFail is judged while the worker runs: once it fails, the worker
// leaves the master and exits 99.
func TestLocustWorkerAbortOnFail(t *testing.T) {
	t.Parallel()
	e := setup(t)
	script := filepath.Join(t.TempDir(), "abort.js")
	src := `import { sleep } from 'k6';
export const options = { thresholds: { iteration_failed: [{ threshold: 'rate==0', abortOnFail: true }] } };
export default function () { sleep(0.05); throw new Error('always fails'); }`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m := startMaster(t, e, "--headless", "-u", "2", "-r", "2", "-t", "60s", "--expect-workers", "1",
		"--expect-workers-max-wait", "60", "--only-summary")
	w := startWorker(t, e, m, "worker", script)
	if code := w.wait(t, 30*time.Second); code != 99 {
		t.Fatalf("worker exit %d, want 99\n%s", code, w.err.String())
	}
	if !strings.Contains(w.err.String(), "abortOnFail") {
		t.Fatalf("the worker should say why it left:\n%s", w.err.String())
	}
	// The master is left to the test's cleanup, which kills it: how Locust shuts down once
	// its only worker has left is not what this test is about (a Ctrl-C can land in one of
	// its greenlets and leave it running).
}
