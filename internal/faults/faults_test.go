package faults_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// summaryCount reads "metric....: N" from the text summary.
func summaryCount(t *testing.T, out, metric string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(metric) + `\.+: (\d+)\s`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in the summary:\n%s", metric, tail(out))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ---- the suite's own Neo4j: wrong password, SIGSTOP, SIGKILL + restart ----------------------

// TestServerFaults starts a Neo4j of its own (port 7699), runs the bad inputs that need a
// server against it, then freezes it and kills it. It is stopped when the test ends.
func TestServerFaults(t *testing.T) {
	s := startServer(t)
	t.Run("bad inputs", func(t *testing.T) { runBadInputsWithServer(t, s) })
	t.Run("wrong password", func(t *testing.T) { testWrongPassword(t, s) })
	t.Run("SIGSTOP 3s", func(t *testing.T) { testSIGSTOP(t, s) })
	t.Run("SIGKILL and restart", func(t *testing.T) { testSIGKILL(t, s) })
}

// A wrong password stops the run in init: exit 107, the identity named, the password not.
func testWrongPassword(t *testing.T, s *server) {
	dir := t.TempDir()
	const wrong = "Not-The-Pass-5Kd8"
	writeScript(t, dir, "script.js", `import neo4j from 'k6/x/neo4j';
export const options = { vus: 2, duration: '5s' };
// loadtest3: three failed logins lock an account for 5 s; neo4j is needed by the other cases.
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest3', password: __ENV.WRONG });
export default function () { db.read('RETURN 1'); }
`)
	json := filepath.Join(dir, "out.json")
	r := run(t, dir, []string{"NEO4J_URI=" + s.uri, "WRONG=" + wrong}, 60*time.Second,
		"run", "--quiet", "--out", "json="+json, "script.js")
	if r.code != exitScript {
		t.Errorf("exit %d, want %d", r.code, exitScript)
	}
	if want := "loadtest3@" + s.hostPort; !strings.Contains(r.all(), want) {
		t.Errorf("the error does not name %s", want)
	}
	if !regexp.MustCompile(`(?i)unauthori[sz]ed|authentication|credentials`).MatchString(r.all()) {
		t.Errorf("the error does not say the login was refused")
	}
	if r.elapsed > 20*time.Second {
		t.Errorf("took %v to give up on a wrong password", r.elapsed)
	}
	assertClean(t, r, []string{wrong, secret}, json)
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", tail(r.stdout), tail(r.stderr))
	}
}

// writeLoad is a script that writes one node per iteration (run tag RUN) and counts its own
// successful writes, so the DB count, the script's counter and the JSON output can be compared.
const writeLoad = `import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const okWrites = new Counter('ok_writes');
export const options = { vus: 4, duration: __ENV.DURATION };
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD,
  connectionAcquisitionTimeout: '2s', connectionTimeout: '2s', maxTransactionRetryTime: '2s' });
export default function () {
  try {
    db.write('CREATE (:Fault {run: $run})', { run: __ENV.RUN }, { tags: { name: 'create' } });
    okWrites.add(1);
  } catch (e) {
    if (!e.code) throw e; // a Neo4jError always has a code
  }
  sleep(0.05);
}
`

// dbCount counts the nodes a writeLoad run made, with the binary itself.
func dbCount(t *testing.T, s *server, dir, runID string) int {
	t.Helper()
	writeScript(t, dir, "count.js", `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });
export default function () {
  console.log('COUNT=' + db.read('MATCH (n:Fault {run: $run}) RETURN count(n) AS c', { run: __ENV.RUN }).records[0].c);
}
`)
	r := run(t, dir, []string{"NEO4J_URI=" + s.uri, "RUN=" + runID}, 60*time.Second, "run", "--quiet", "--no-summary", "count.js")
	m := regexp.MustCompile(`COUNT=(\d+)`).FindStringSubmatch(r.all())
	if r.code != 0 || m == nil {
		t.Fatalf("counting the nodes: exit %d\n%s", r.code, r.all())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// writeTally is what the JSON output says about the writes.
type writeTally struct {
	ok, failed   int
	codes        map[string]int
	okAfter      int // ok writes after the given time
	failedAfter  int
	lastFailedAt time.Time
}

func tallyWrites(samples []sample, after time.Time) writeTally {
	w := writeTally{codes: map[string]int{}}
	for _, s := range samples {
		if s.Metric != "neo4j_queries" || s.Tags["name"] != "create" {
			continue
		}
		if s.Tags["status"] == "ok" {
			w.ok++
			if s.Time.After(after) {
				w.okAfter++
			}
			continue
		}
		w.failed++
		w.codes[s.Tags["error_code"]]++
		if s.Time.After(after) {
			w.failedAfter++
		}
		if s.Time.After(w.lastFailedAt) {
			w.lastFailedAt = s.Time
		}
	}
	return w
}

func sumCounter(samples []sample, metric string) int {
	n := 0.0
	for _, s := range samples {
		if s.Metric == metric {
			n += s.Value
		}
	}
	return int(n)
}

// Neo4j frozen for 3 s mid-run: the run completes, any error carries a code, and the
// iterations after the resume succeed.
func testSIGSTOP(t *testing.T, s *server) {
	dir := t.TempDir()
	writeScript(t, dir, "load.js", writeLoad)
	json := filepath.Join(dir, "out.json")
	p := start(t, dir, append(s.env(), "RUN=stop", "DURATION=16s"), "run", "--out", "json="+json, "load.js")
	time.Sleep(5 * time.Second)
	s.kill(t, syscall.SIGSTOP)
	frozen := true
	defer func() {
		if frozen {
			s.kill(t, syscall.SIGCONT)
		}
	}()
	time.Sleep(3 * time.Second)
	s.kill(t, syscall.SIGCONT)
	frozen = false
	resumed := time.Now()
	r := p.wait(t, 90*time.Second)

	if r.code != exitOK {
		t.Errorf("exit %d, want 0", r.code)
	}
	samples := jsonSamples(t, json)
	// Queries in flight at the resume may still fail (the pool's bounds ran out while frozen);
	// from 3 s after it, every write succeeds.
	w := tallyWrites(samples, resumed.Add(3*time.Second))
	if w.okAfter == 0 {
		t.Errorf("no successful write after the resume: %+v", w)
	}
	if w.failedAfter > 0 {
		t.Errorf("%d writes failed more than 3 s after the resume (last at %v, resumed at %v)", w.failedAfter, w.lastFailedAt, resumed)
	}
	for code, n := range w.codes {
		switch code {
		case "connectivity", "timeout":
		default:
			t.Errorf("%d writes failed with error_code %q; a frozen server is a timeout or connectivity", n, code)
		}
	}
	if ok := sumCounter(samples, "ok_writes"); ok != w.ok {
		t.Errorf("the script counted %d ok writes, the JSON %d", ok, w.ok)
	}
	// A write that failed on the client side while the server was frozen may still have
	// committed after SIGCONT: in doubt, like a write in flight at a kill (one per VU at most).
	if got := dbCount(t, s, dir, "stop"); got < w.ok || got > w.ok+min(w.failed, 4) {
		t.Errorf("%d nodes in the DB, %d ok writes (%d failed)", got, w.ok, w.failed)
	}
	if summaryCount(t, r.stdout, "neo4j_queries") != w.ok+w.failed {
		t.Errorf("the summary's neo4j_queries differs from the JSON's %d", w.ok+w.failed)
	}
	assertClean(t, r, []string{secret}, json)
	t.Logf("SIGSTOP 3s: %d ok, %d failed %v", w.ok, w.failed, w.codes)
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", tail(r.stdout), tail(r.stderr))
	}
}

// Neo4j SIGKILLed mid-run and restarted on its kept store: the failures are counted as
// connectivity, queries succeed again after the restart, and the nodes in the DB are the
// successful writes of the whole run.
func testSIGKILL(t *testing.T, s *server) {
	dir := t.TempDir()
	writeScript(t, dir, "load.js", writeLoad)
	json := filepath.Join(dir, "out.json")
	// Long enough for a restart on a loaded machine; the test ends the run with Ctrl-C once
	// writes have gone on for a while after the restart.
	p := start(t, dir, append(s.env(), "RUN=kill", "DURATION=10m"), "run", "--out", "json="+json, "load.js")
	time.Sleep(5 * time.Second)
	s.kill(t, syscall.SIGKILL)
	killed := time.Now()
	s.waitGone(t)
	time.Sleep(3 * time.Second) // the load meets a dead server for a while
	s.script(t, "start", true)
	restarted := time.Now()
	t.Logf("restarted in %v", restarted.Sub(killed).Round(time.Second))
	time.Sleep(8 * time.Second)
	p.signal(t, syscall.SIGINT)
	r := p.wait(t, 90*time.Second)

	if r.code != exitInterrupt {
		t.Errorf("exit %d after Ctrl-C, want %d", r.code, exitInterrupt)
	}
	samples := jsonSamples(t, json)
	w := tallyWrites(samples, restarted.Add(2*time.Second))
	if w.codes["connectivity"] == 0 {
		t.Errorf("no write failed with error_code connectivity while the server was dead: %v", w.codes)
	}
	for code, n := range w.codes {
		switch {
		case code == "connectivity", code == "timeout":
		case strings.HasPrefix(code, "Neo.TransientError."): // the DBMS still starting
		default:
			t.Errorf("%d writes failed with error_code %q", n, code)
		}
	}
	if w.okAfter == 0 {
		t.Errorf("no successful write after the restart: %+v", w)
	}
	if w.failedAfter > 0 {
		t.Errorf("%d writes failed more than 2 s after the restart was ready", w.failedAfter)
	}
	if ok := sumCounter(samples, "ok_writes"); ok != w.ok {
		t.Errorf("the script counted %d ok writes, the JSON %d", ok, w.ok)
	}
	// Every ok write is in the DB (nothing acknowledged was lost). A write whose commit
	// reached the disk just before the kill, but whose reply never came back, is in the DB
	// and counted as failed; at most one per VU can be in that state.
	got := dbCount(t, s, dir, "kill")
	if got < w.ok || got > w.ok+4 {
		t.Errorf("%d nodes in the DB, %d ok writes across the run (%d failed)", got, w.ok, w.failed)
	} else if got != w.ok {
		t.Logf("%d writes were in doubt at the kill (committed, reply lost)", got-w.ok)
	}
	if !strings.Contains(r.stdout, "neo4j_queries") {
		t.Errorf("no summary after Ctrl-C")
	}
	// The password was set before Bolt took logins, so the load never met a locked or
	// default account.
	for code := range w.codes {
		if strings.Contains(code, "Security") {
			t.Errorf("writes failed with %s after the restart", code)
		}
	}
	assertClean(t, r, []string{secret}, json)
	t.Logf("SIGKILL: %d ok, %d failed %v, %d nodes", w.ok, w.failed, w.codes, got)
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", tail(r.stdout), tail(r.stderr))
	}
}

// ---- no server: black hole, refused, Ctrl-C, stuck output ---------------------------------

// A port that accepts and never answers: a timeout (not pool_exhausted) within the bound.
func TestBlackholeTimeout(t *testing.T) {
	for _, c := range []struct {
		name, opts string
		bound      time.Duration
	}{
		// The case: 35 s with these settings, where 3 s was configured.
		{"acquisition 3s, connection 30s", "connectionAcquisitionTimeout: '3s', connectionTimeout: '30s'", 3 * time.Second},
		{"acquisition 2s, default connection", "connectionAcquisitionTimeout: '2s'", 2 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeScript(t, dir, "script.js", `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect('bolt://`+blackholeAddr+`', { password: __ENV.NEO4J_PASSWORD, `+c.opts+` });
export default function () {}
`)
			r := run(t, dir, nil, 90*time.Second, "run", "--quiet", "script.js")
			if r.code != exitScript {
				t.Errorf("exit %d, want %d", r.code, exitScript)
			}
			if !strings.Contains(r.stderr, "timeout") || strings.Contains(r.stderr, "pool_exhausted") {
				t.Errorf("want a timeout, not pool_exhausted:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "neo4j@"+blackholeAddr) {
				t.Errorf("the error does not name neo4j@%s", blackholeAddr)
			}
			// The binary's own start-up takes a moment too: the bound plus generous slack.
			if r.elapsed < c.bound-200*time.Millisecond || r.elapsed > c.bound+6*time.Second {
				t.Errorf("gave up after %v; the configured bound is %v", r.elapsed, c.bound)
			}
			assertClean(t, r, []string{secret})
		})
	}
}

// A refused port: connectivity, at once, exit 107.
func TestRefusedPort(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "script.js", `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect('bolt://`+refusedAddr+`', { password: __ENV.NEO4J_PASSWORD });
export default function () {}
`)
	r := run(t, dir, nil, 60*time.Second, "run", "--quiet", "script.js")
	if r.code != exitScript {
		t.Errorf("exit %d, want %d", r.code, exitScript)
	}
	for _, w := range []string{"connectivity", "neo4j@" + refusedAddr, "refused"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if r.elapsed > 10*time.Second {
		t.Errorf("took %v to report a refused port", r.elapsed)
	}
	assertClean(t, r, []string{secret})
}

// interruptCase is Ctrl-C at one phase of a run.
type interruptCase struct {
	name     string
	script   string
	ready    string // printed when the run is where the press must land
	presses  int
	summary  bool // the run got far enough to print a summary
	teardown bool // teardown must run to its end
}

// Scripts print a marker with console.log when they reach the phase under test.
var interruptCases = []interruptCase{
	{name: "init busy loop once", presses: 1, ready: "IN-INIT", script: `console.log('IN-INIT');
for (;;) {}
export default function () {}
`},
	{name: "init busy loop twice", presses: 2, ready: "IN-INIT", script: `console.log('IN-INIT');
for (;;) {}
export default function () {}
`},
	{name: "init connect to a black hole", presses: 1, ready: "CONNECTING", script: `import neo4j from 'k6/x/neo4j';
console.log('CONNECTING');
const db = neo4j.connect('bolt://{{BLACKHOLE}}', { password: __ENV.NEO4J_PASSWORD, connectionTimeout: '60s', connectionAcquisitionTimeout: '60s' });
export default function () {}
`},
	{name: "init connect to a black hole twice", presses: 2, ready: "CONNECTING", script: `import neo4j from 'k6/x/neo4j';
console.log('CONNECTING');
const db = neo4j.connect('bolt://{{BLACKHOLE}}', { password: __ENV.NEO4J_PASSWORD, connectionTimeout: '60s', connectionAcquisitionTimeout: '60s' });
export default function () {}
`},
	{name: "setup sleeping once", presses: 1, ready: "IN-SETUP", summary: true, script: `import { sleep } from 'k6';
export function setup() { console.log('IN-SETUP'); sleep(60); }
export default function () {}
export function teardown() { console.log('TEARDOWN-RAN'); }
`},
	{name: "setup busy loop twice", presses: 2, ready: "IN-SETUP", summary: true, script: `
export function setup() { console.log('IN-SETUP'); for (;;) {} }
export default function () {}
export function teardown() { console.log('TEARDOWN-RAN'); }
`},
	{name: "iterations once", presses: 1, ready: "ITERATING", summary: true, teardown: true, script: `import { sleep } from 'k6';
export const options = { vus: 3, duration: '10m' };
export default function () { if (__ITER === 3) console.log('ITERATING'); sleep(0.1); }
export function teardown() { console.log('TEARDOWN-RAN'); }
`},
	{name: "iterations twice", presses: 2, ready: "ITERATING", summary: true, script: `import { sleep } from 'k6';
export const options = { vus: 3, duration: '10m' };
export default function () { if (__ITER === 1) console.log('ITERATING'); sleep(__ITER === 1 ? 60 : 0.1); }
export function teardown() { console.log('TEARDOWN-RAN'); }
`},
	{name: "teardown sleeping once", presses: 1, ready: "IN-TEARDOWN", summary: true, script: `import { sleep } from 'k6';
export const options = { iterations: 3 };
export default function () {}
export function teardown() { console.log('IN-TEARDOWN'); sleep(60); console.log('TEARDOWN-RAN'); }
`},
	{name: "teardown busy loop twice", presses: 2, ready: "IN-TEARDOWN", summary: true, script: `
export const options = { iterations: 3 };
export default function () {}
export function teardown() { console.log('IN-TEARDOWN'); for (;;) {} }
`},
}

// Ctrl-C, once and twice, in init, setup, the iterations and teardown: exit 105 within
// seconds of the press, the summary where the run got that far, no false "teardown run",
// and output files whose every line parses.
func TestInterrupt(t *testing.T) {
	for _, c := range interruptCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeScript(t, dir, "script.js", strings.ReplaceAll(c.script, "{{BLACKHOLE}}", blackholeAddr))
			json := filepath.Join(dir, "out.json")
			csv := filepath.Join(dir, "out.csv.gz")
			p := start(t, dir, nil, "run", "--quiet", "--out", "json="+json, "--out", "csv="+csv, "script.js")
			p.waitOutput(t, c.ready, 60*time.Second)
			time.Sleep(300 * time.Millisecond) // well inside the phase
			var pressed time.Time
			for i := 0; i < c.presses; i++ {
				if i > 0 {
					time.Sleep(300 * time.Millisecond)
				}
				select {
				case <-p.done: // gone after the first press: the second has nothing to do
				default:
					p.signal(t, syscall.SIGINT)
					pressed = time.Now()
				}
			}
			r := p.wait(t, 60*time.Second)
			took := p.ended.Sub(pressed)

			if r.code != exitInterrupt {
				t.Errorf("exit %d, want %d", r.code, exitInterrupt)
			}
			// "a second or two"; the slack is for a loaded CI machine.
			if took > 5*time.Second {
				t.Errorf("exited %v after the last Ctrl-C", took.Round(time.Millisecond))
			}
			for _, lie := range []string{"teardown() failed", "script exception", "iteration interrupted"} {
				if strings.Contains(r.all(), lie) {
					t.Errorf("an interruption reported as %q", lie)
				}
			}
			ranTeardown := strings.Contains(r.stderr, "TEARDOWN-RAN")
			if strings.Contains(r.stdout, "teardown run") && !ranTeardown {
				t.Errorf("the summary says teardown ran; it did not finish")
			}
			if c.teardown && !ranTeardown {
				t.Errorf("teardown did not run after one Ctrl-C during the iterations")
			}
			if c.summary && !strings.Contains(r.stdout, "vus_max") {
				t.Errorf("no summary, although the run got past init")
			}
			for _, f := range []string{json, csv} {
				if _, err := os.Stat(f); err == nil {
					if strings.HasSuffix(f, ".json") {
						jsonSamples(t, f)
					} else {
						readOutputFile(t, f)
					}
				} else if c.summary {
					t.Errorf("%s missing: %v", filepath.Base(f), err)
				}
			}
			assertClean(t, r, []string{secret}, json, csv)
			if t.Failed() {
				t.Logf("exit %d, %v after the press\nstdout:\n%s\nstderr:\n%s", r.code, took, tail(r.stdout), tail(r.stderr))
			}
		})
	}
}

// An output that never drains (a FIFO opened for reading and never read) stalls neither
// the VUs nor the end of the run: the iteration count stays within 5% of a run without
// outputs, and the dropped samples are reported.
func TestStuckOutput(t *testing.T) {
	dir := t.TempDir()
	// Sleep-paced iterations: their rate hardly depends on the CPU, so the two runs (made
	// side by side, under the same load) should match closely. About 190 iterations and
	// 2500 samples a second: the pipe's 64 KiB fill in well under a second.
	writeScript(t, dir, "script.js", `import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('filler');
export const options = { vus: 10, duration: '8s' };
export default function () { for (let i = 0; i < 10; i++) c.add(1, { i: String(i % 4) }); sleep(0.05); }
`)
	fifo := filepath.Join(dir, "stuck.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opened for reading so the writer's open succeeds; never read, so writes block once
	// the pipe's buffer is full.
	reader, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reader.Close() })

	base := start(t, dir, nil, "run", "script.js")
	stuck := start(t, dir, nil, "run", "--out", "json="+fifo, "script.js")
	rb := base.wait(t, 120*time.Second)
	rs := stuck.wait(t, 120*time.Second)
	if rb.code != 0 {
		t.Fatalf("the run without outputs: exit %d\n%s", rb.code, rb.all())
	}
	if rs.code != 0 {
		t.Errorf("the run with a stuck output: exit %d", rs.code)
	}
	// 8 s of test, plus start-up, plus at most a few seconds of giving up on the output.
	if rs.elapsed > rb.elapsed+10*time.Second {
		t.Errorf("the run with a stuck output took %v, the one without %v", rs.elapsed, rb.elapsed)
	}
	nb, ns := summaryCount(t, rb.stdout, "iterations"), summaryCount(t, rs.stdout, "iterations")
	if float64(ns) < 0.95*float64(nb) {
		t.Errorf("%d iterations with a stuck output, %d without: the output stalled the VUs", ns, nb)
	}
	if !regexp.MustCompile(`(?i)samples.*dropped|dropped.*samples`).MatchString(rs.all()) {
		t.Errorf("neither the summary nor a warning reports the dropped samples")
	}
	assertClean(t, rs, []string{secret})
	t.Logf("iterations: %d without outputs, %d with a stuck one; %v vs %v", nb, ns, rb.elapsed, rs.elapsed)
	if t.Failed() {
		t.Logf("stuck run stdout:\n%s\nstderr:\n%s", tail(rs.stdout), tail(rs.stderr))
	}
}
