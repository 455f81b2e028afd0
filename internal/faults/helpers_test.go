package faults_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// secret is the password every script here uses: distinctive, so a leak into any output
// is found by a plain substring search.
const secret = "Fz9-Sekrit-Qx7Lw2Vb"

// stackMarkers are what a Go crash or stack dump prints; a user must never see them.
var stackMarkers = []string{"goroutine ", "panic:", "fatal error"}

// proc is one running xk6-neo4j process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *testenv.SyncBuffer
	started        time.Time
	done           chan struct{}
	code           int
	ended          time.Time
	maxRSS         int64 // bytes, the process's peak resident set
}

// result is how a process ended.
type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
	maxRSS         int64
}

func (r result) all() string { return r.stdout + "\n" + r.stderr }

// baseEnv is the process environment without the variables that change what the binary
// does (a developer's NEO4J_* or K6_* must not leak into the cases).
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NEO4J_") || strings.HasPrefix(kv, "K6_") || strings.HasPrefix(kv, "XK6_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1", "NEO4J_PASSWORD="+secret)
}

// start runs the binary in dir with the extra environment and the arguments.
func start(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(baseEnv(), env...)
	p := &proc{cmd: cmd, stdout: &testenv.SyncBuffer{}, stderr: &testenv.SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cmd.Wait()
		p.ended = time.Now()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.code = 128 + int(ws.Signal())
			}
		default:
			p.code = -1
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.maxRSS = ru.Maxrss << 10 // Linux reports KiB
		}
		close(p.done)
	}()
	t.Cleanup(func() { // a case that failed early must not leave the process running
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the end of the process; past the bound it kills it and fails the test.
func (p *proc) wait(t *testing.T, bound time.Duration) result {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(bound):
		_ = p.cmd.Process.Signal(syscall.SIGQUIT) // a goroutine dump tells where it hung
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		t.Fatalf("xk6-neo4j %s still running after %v\nstdout:\n%s\nstderr:\n%s",
			strings.Join(p.cmd.Args[1:], " "), bound, tail(p.stdout.String()), tail(p.stderr.String()))
	}
	return result{stdout: p.stdout.String(), stderr: p.stderr.String(), code: p.code, elapsed: p.ended.Sub(p.started), maxRSS: p.maxRSS}
}

func (p *proc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// waitOutput waits until the process printed want (stdout or stderr).
func (p *proc) waitOutput(t *testing.T, want string, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		if strings.Contains(p.stdout.String()+p.stderr.String(), want) {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("exited (code %d) before printing %q\nstdout:\n%s\nstderr:\n%s", p.code, want, tail(p.stdout.String()), tail(p.stderr.String()))
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no %q within %v\nstdout:\n%s\nstderr:\n%s", want, bound, tail(p.stdout.String()), tail(p.stderr.String()))
}

// run runs the binary to its end (bounded).
func run(t *testing.T, dir string, env []string, bound time.Duration, args ...string) result {
	t.Helper()
	return start(t, dir, env, args...).wait(t, bound)
}

// writeScript writes a script into dir and returns its path.
func writeScript(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readOutputFile reads a file the binary wrote, gunzipping .gz.
func readOutputFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: not gzip: %v", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: truncated gzip: %v", path, err)
		}
	}
	return b
}

// assertClean fails when the output shows a Go crash or stack, or when any secret appears
// in stdout, stderr or any of the files that exist.
func assertClean(t *testing.T, r result, secrets []string, files ...string) {
	t.Helper()
	out := r.all()
	for _, m := range stackMarkers {
		if strings.Contains(out, m) {
			t.Errorf("the output shows Go internals (%q):\n%s", m, tail(out))
		}
	}
	if strings.Contains(out, "github.com/") {
		t.Errorf("the output names Go frames (github.com/...):\n%s", tail(out))
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the password (%d characters) appears in stdout/stderr", len(s))
		}
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		b := readOutputFile(t, f)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("the password (%d characters) appears in %s", len(s), filepath.Base(f))
			}
		}
	}
}

// sample is one Point line of the JSON output.
type sample struct {
	Metric string
	Time   time.Time
	Value  float64
	Tags   map[string]string
}

// jsonSamples reads a --out json file, failing on any line that does not parse: a file cut
// in the middle of a line is a file the run did not complete.
func jsonSamples(t *testing.T, path string) []sample {
	t.Helper()
	b := readOutputFile(t, path)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("%s does not end with a newline: the last line is cut", filepath.Base(path))
	}
	var out []sample
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var line struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Time  time.Time         `json:"time"`
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("%s line %d does not parse (%v): %.200s", filepath.Base(path), n, err, sc.Text())
		}
		if line.Type == "Point" {
			out = append(out, sample{line.Metric, line.Data.Time, line.Data.Value, line.Data.Tags})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func tail(s string) string {
	const max = 6000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}

// repoRoot is the repository's top folder, found from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// inCI: a missing prerequisite fails there instead of skipping.
func inCI() bool { return os.Getenv("CI") != "" }
