package cmd

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/xk6-neo4j/xk6-neo4j/internal/locust"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func TestParseWorkerArgs(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want func(*workerConfig) bool
		err  error // nil: no error; else errors.Is target
		msg  string
	}{
		{name: "defaults", args: []string{"s.js"}, want: func(c *workerConfig) bool {
			return c.master == "127.0.0.1:5557" && c.masterTimeout == locust.DefaultMasterTimeout &&
				c.connectTimeout == locust.DefaultConnectTimeout && c.run.script == "s.js" && c.nodeID == ""
		}},
		{name: "all", args: []string{"--master", "10.0.0.5:6000", "--node-id", "w7", "--master-timeout", "10s", "--connect-timeout", "1m",
			"-e", "A=1", "--tag", "team=db", "-o", "json=x.json", "--summary-trend-stats", "avg,p(99)", "-q", "s.js"},
			want: func(c *workerConfig) bool {
				return c.master == "10.0.0.5:6000" && c.nodeID == "w7" && c.masterTimeout == 10*time.Second &&
					c.connectTimeout == time.Minute && c.run.opts.Tags["team"] == "db" && len(c.run.outs) == 1 &&
					len(c.run.opts.SummaryTrendStats) == 2 && c.run.quiet
			}},
		{name: "master without port", args: []string{"--master", "localhost", "s.js"}, err: options.ErrInvalid, msg: `--master "localhost"`},
		{name: "bad timeouts", args: []string{"--master-timeout", "0s", "--connect-timeout", "-1s", "s.js"}, err: options.ErrInvalid, msg: "--connect-timeout"},
		{name: "bad env and tag", args: []string{"-e", "NOPE", "--tag", "=x", "s.js"}, err: options.ErrInvalid, msg: `--tag "=x"`},
		{name: "no script", args: []string{}, msg: "exactly one script"},
		{name: "two scripts", args: []string{"a.js", "b.js"}, msg: "exactly one script"},
		{name: "help", args: []string{"--help"}, err: pflag.ErrHelp},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseWorkerArgs(c.args)
			if c.err == nil && c.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !c.want(got) {
					t.Fatalf("got %+v (run %+v)", got, got.run)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %v %q", c.err, c.msg)
			}
			if c.err != nil && !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %q, want it to name %q", err, c.msg)
			}
		})
	}
}

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestWorkerCommand(t *testing.T) {
	t.Run("help", func(t *testing.T) {
		r := runArgs(t, nil, "worker", "--help")
		if r.code != ExitOK || !strings.Contains(r.stdout, "--master") || !strings.Contains(r.stdout, "user class") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("no master", func(t *testing.T) {
		script := writeScript(t, "export default function () {}\n")
		start := time.Now()
		r := runArgs(t, nil, "worker", "-q", "--connect-timeout", "700ms", "--master", closedPort(t), script)
		if r.code != ExitRuntimeError || !strings.Contains(r.stderr, "no Locust master registered this worker at") {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("took %s to give up", time.Since(start))
		}
		if !strings.Contains(r.stdout, "worker stopped: no Locust master") {
			t.Fatalf("the summary does not say why:\n%s", r.stdout)
		}
	})
	t.Run("logs are logfmt off a terminal, as run's", func(t *testing.T) {
		script := writeScript(t, "console.warn('hello from init');\nexport default function () {}\n")
		r := runArgs(t, nil, "worker", "-q", "--connect-timeout", "300ms", "--master", closedPort(t), script)
		if !strings.Contains(r.stderr, `level=warning msg="hello from init" source=console`) || strings.Contains(r.stderr, "WARN[") {
			t.Fatalf("stderr:\n%s", r.stderr)
		}
	})
	t.Run("nothing to run", func(t *testing.T) {
		script := writeScript(t, "export function setup() {}\nexport const options = { vus: 3 };\n")
		r := runArgs(t, nil, "worker", "-q", "--master", closedPort(t), script)
		if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, "exports no function for Locust users") {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("bad output", func(t *testing.T) {
		script := writeScript(t, "export default function () {}\n")
		r := runArgs(t, nil, "worker", "-q", "--out", "nosuch", "--master", closedPort(t), script)
		if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, `unknown output "nosuch"`) {
			t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
		}
	})
}

// A worker stuck in its init code stops at the first Ctrl-C, as `run` does: exit 105 with
// a clear line, and an output path that cannot be written is refused before init runs.
func TestWorkerInitIsInterruptedAndOutputPathsChecked(t *testing.T) {
	script := writeScript(t, "for (;;) {}\nexport default function () {}\n")
	sig := make(chan os.Signal, 1)
	time.AfterFunc(700*time.Millisecond, func() { sig <- syscall.SIGINT })
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	start := time.Now()
	go func() {
		done <- Main(&GlobalState{Args: []string{"xk6-neo4j", "worker", "-q", "--master", closedPort(t), script},
			Env: map[string]string{}, Stdout: &out, Stderr: &errb, Signals: sig})
	}()
	select {
	case code := <-done:
		if code != ExitExternalAbort || !strings.Contains(errb.String(), "interrupted during init") {
			t.Fatalf("exit %d, want %d\n%s", code, ExitExternalAbort, errb.String())
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("stopped %s after the start, the signal came at 0.7s", took)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the worker ignored Ctrl-C during init")
	}

	r := runArgs(t, nil, "worker", "-q", "--summary-export", filepath.Join(t.TempDir(), "no", "such", "dir", "s.json"),
		"--master", closedPort(t), writeScript(t, "export default function () {}\n"))
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, "--summary-export") {
		t.Fatalf("exit %d, want %d naming --summary-export\n%s", r.code, ExitInvalidConfig, r.stderr)
	}
}
