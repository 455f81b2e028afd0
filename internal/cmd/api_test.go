package cmd

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// `xk6-neo4j scale` changes the VUs of a running externally-controlled scenario.
func TestScaleAnExternallyControlledRun(t *testing.T) {
	addr := freePort(t)
	src := `import { sleep } from 'k6';
export const options = { scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 6, duration: '3s' } } };
export default function () { sleep(0.05); }`
	done := make(chan result, 1)
	go func() { done <- runScript(t, src, nil, "--address", addr) }()

	var status string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var out, errb bytes.Buffer
		if Main(&GlobalState{Args: []string{"xk6-neo4j", "status", "--address", addr}, Stdout: &out, Stderr: &errb}) == ExitOK {
			status = out.String()
			break
		}
	}
	if !strings.Contains(status, "VUs: 1 of 6") {
		t.Fatalf("status before scaling: %q", status)
	}
	var out, errb bytes.Buffer
	if code := Main(&GlobalState{Args: []string{"xk6-neo4j", "scale", "--vus", "4", "--address", addr}, Stdout: &out, Stderr: &errb}); code != ExitOK {
		t.Fatalf("scale: exit %d: %s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := Main(&GlobalState{Args: []string{"xk6-neo4j", "scale", "--vus", "9", "--address", addr}, Stdout: &out, Stderr: &errb}); code == ExitOK || !strings.Contains(errb.String(), "9") {
		t.Fatalf("scaling beyond maxVUs should fail naming the number: exit %d %q", code, errb.String())
	}
	r := <-done
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	m := regexp.MustCompile(`vus\.+: \S+\s+min=\d+ max=(\d+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no vus in the summary:\n%s", r.stdout)
	}
	if n, _ := strconv.Atoi(m[1]); n != 4 {
		t.Fatalf("at most %d VUs ran, want 4 after scaling", n)
	}
}

func TestScaleWithoutARunningTestSaysSo(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main(&GlobalState{Args: []string{"xk6-neo4j", "scale", "--vus", "3", "--address", freePort(t)}, Stdout: &out, Stderr: &errb})
	if code == ExitOK || !strings.Contains(errb.String(), "no test answers") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// getStatus is GET /v1/status's attributes, or nil while nothing answers.
func getStatus(t *testing.T, addr string) map[string]any {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/v1/status")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var d struct {
		Data struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatalf("status: %v", err)
	}
	return d.Data.Attributes
}

// As k6's --paused: the VUs are initialised, then nothing (not even setup()) runs until the
// control API resumes the test; the status says paused until then.
func TestPausedRunWaitsForResume(t *testing.T) {
	addr := freePort(t)
	src := `export const options = { vus: 2, iterations: 4 };
console.log('init of VU ' + __VU);
export function setup() { console.log('setup ran'); }
export default function () {}`
	done := make(chan result, 1)
	go func() { done <- runScript(t, src, nil, "--paused", "--address", addr) }()

	var st map[string]any
	for deadline := time.Now().Add(20 * time.Second); st == nil && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		st = getStatus(t, addr)
	}
	if st == nil || st["paused"] != true || st["running"] != false || st["vus-max"] != float64(2) || st["tainted"] != false {
		t.Fatalf("status while paused: %v", st)
	}
	select {
	case r := <-done:
		t.Fatalf("the run did not wait for resume: exit %d\n%s", r.code, r.stderr)
	case <-time.After(time.Second):
	}
	var out, errb bytes.Buffer
	if code := Main(&GlobalState{Args: []string{"xk6-neo4j", "resume", "--address", addr}, Stdout: &out, Stderr: &errb}); code != ExitOK {
		t.Fatalf("resume: exit %d: %s", code, errb.String())
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end after resume")
	}
	if r.code != ExitOK || !strings.Contains(r.stderr, "setup ran") || !regexp.MustCompile(`iterations\.+: 4\s`).MatchString(r.stdout) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// setup() came after the pause: its line follows the paused notice.
	if p, s := strings.Index(r.stderr, "paused: the VUs are ready"), strings.Index(r.stderr, "setup ran"); p < 0 || s < p {
		t.Fatalf("setup() ran before the resume:\n%s", r.stderr)
	}
}

// Ctrl-C ends a paused run (105) without running setup().
func TestCtrlCEndsAPausedRun(t *testing.T) {
	addr := freePort(t)
	path := filepath.Join(t.TempDir(), "script.js")
	src := "export function setup() { console.log('setup ran'); }\nexport default function () {}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(&GlobalState{Args: []string{"xk6-neo4j", "run", "--quiet", "--paused", "--address", addr, path},
			Env: map[string]string{}, Stdout: &out, Stderr: &errb, Signals: sig})
	}()
	var st map[string]any
	for deadline := time.Now().Add(20 * time.Second); st == nil && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		st = getStatus(t, addr)
	}
	if st == nil || st["paused"] != true {
		t.Fatalf("status: %v", st)
	}
	sig <- syscall.SIGINT
	select {
	case code := <-done:
		if code != ExitExternalAbort || strings.Contains(errb.String(), "setup ran") || !strings.Contains(errb.String(), "interrupted while paused") {
			t.Fatalf("exit %d\n%s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Ctrl-C did not end the paused run")
	}
}
