package testenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// A real Prometheus for tests: Debian's `prometheus` package, started on loopback with its
// remote-write receiver on, its own data directory and no scrape targets.

// prometheusBinary finds Prometheus (Debian's package); outside CI a machine without it skips, in CI (CI set) it
// is a failure, since CI must install it (apt-get install prometheus).
func prometheusBinary(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/prometheus", "prometheus"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("prometheus not found: CI must install Debian's prometheus package")
	}
	t.Skip("prometheus not installed (apt-get install prometheus); skipping the tests against a real Prometheus")
	return ""
}

// StartPrometheus runs Prometheus until the test ends and returns its base URL.
func StartPrometheus(t testing.TB) string {
	t.Helper()
	bin := prometheusBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for attempt := range 3 { // a free port can be taken between finding it and binding it
		addr := freeAddr(t)
		logPath := filepath.Join(dir, fmt.Sprintf("prometheus-%d.log", attempt))
		logFile, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin,
			"--web.enable-remote-write-receiver",
			"--config.file="+cfg,
			"--storage.tsdb.path="+filepath.Join(dir, fmt.Sprintf("data-%d", attempt)),
			"--web.listen-address="+addr,
			"--log.level=warn",
		)
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); _ = logFile.Close() }()
		base := "http://" + addr
		if lastErr = waitPrometheus(base, exited); lastErr == nil {
			t.Cleanup(func() {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
			})
			return base
		}
		_ = cmd.Process.Kill()
		<-exited
		out, _ := os.ReadFile(logPath)
		lastErr = fmt.Errorf("%w\n%s", lastErr, out)
	}
	t.Fatalf("prometheus did not start: %v", lastErr)
	return ""
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitPrometheus(base string, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("prometheus exited: %v", err)
		default:
		}
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("prometheus not ready after 60s")
}

// PromAPI calls one of Prometheus's HTTP API endpoints and decodes its data.
func PromAPI(t testing.TB, base, path string, params url.Values, data any) {
	t.Helper()
	resp, err := http.Get(base + path + "?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if body.Status != "success" {
		t.Fatalf("%s %v: %s", path, params, body.Error)
	}
	if err := json.Unmarshal(body.Data, data); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type PromSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// PromQuery runs an instant query and returns the vector's elements.
func PromQuery(t testing.TB, base, q string, at time.Time) []PromSample {
	t.Helper()
	var data struct {
		ResultType string       `json:"resultType"`
		Result     []PromSample `json:"result"`
	}
	PromAPI(t, base, "/api/v1/query", url.Values{
		"query": {q},
		"time":  {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)},
	}, &data)
	if data.ResultType != "vector" {
		t.Fatalf("%s: result type %s", q, data.ResultType)
	}
	return data.Result
}

func (v PromSample) Float(t testing.TB) float64 {
	t.Helper()
	s, ok := v.Value[1].(string)
	if !ok {
		t.Fatalf("value %v", v.Value)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
