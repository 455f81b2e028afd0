package faults_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// faultPort is this suite's own Neo4j: it gets SIGKILLed and SIGSTOPped, so it must never
// be the server other packages test against (7687, 7688; 7696 and 7697 are the TLS tests').
// scripts/test stops it too, in case the test binary dies before its cleanup runs.
const faultPort = 7699

// server is the suite's own Neo4j, started with testenv/neo4j/start.
type server struct {
	port     int
	hostPort string
	uri      string
	password string
	dir      string // testenv/neo4j
}

// startServer starts a fresh Neo4j on faultPort with the suite's password and stops it
// (removing its store) when the test ends, whether it passed or not. Outside CI a machine
// without Java or Maven skips; in CI that fails.
func startServer(t *testing.T) *server {
	t.Helper()
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if inCI() {
				t.Fatalf("%s not found: CI needs it to start the fault suite's Neo4j", tool)
			}
			t.Skipf("%s not found: the fault suite needs it to start its own Neo4j", tool)
		}
	}
	s := &server{
		port:     faultPort,
		hostPort: "127.0.0.1:" + strconv.Itoa(faultPort),
		uri:      "bolt://127.0.0.1:" + strconv.Itoa(faultPort),
		password: secret,
		dir:      filepath.Join(repoRoot(), "testenv", "neo4j"),
	}
	s.script(t, "stop", false) // one left over from a run that died holds another store
	t.Cleanup(func() { s.script(t, "stop", false) })
	refused := s.pollLogins(t)
	s.script(t, "start", false)
	if codes := refused(); len(codes) > 0 {
		t.Errorf("while the server started, logins with the right password were refused (%v): "+
			"Bolt took connections before neo4j's password was set", codes)
	}
	return s
}

// pollLogins logs in with the right password as fast as it can from the moment the port
// accepts TCP, until the returned function is called; that returns the security codes of
// the refused logins.
func (s *server) pollLogins(t *testing.T) func() []string {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var codes []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			c, err := net.DialTimeout("tcp", s.hostPort, 200*time.Millisecond)
			if err != nil {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			_ = c.Close()
			drv, err := neo4j.NewDriverWithContext(s.uri, neo4j.BasicAuth("neo4j", s.password, ""))
			if err != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err = drv.VerifyAuthentication(ctx, nil)
			cancel()
			_ = drv.Close(context.Background())
			var ne *neo4j.Neo4jError
			if errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Security.") {
				mu.Lock()
				codes = append(codes, ne.Code)
				mu.Unlock()
			}
			if err == nil {
				time.Sleep(50 * time.Millisecond) // it works; keep watching, less often
			}
		}
	}()
	return func() []string {
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return codes
	}
}

// script runs testenv/neo4j/start or stop for this port; keep sets NEO4J_KEEP_DATA=1.
func (s *server) script(t *testing.T, name string, keep bool) {
	t.Helper()
	cmd := exec.Command(filepath.Join(s.dir, name))
	cmd.Env = append(baseEnv(), "NEO4J_PORT="+strconv.Itoa(s.port), "NEO4J_PASSWORD="+s.password)
	if keep {
		cmd.Env = append(cmd.Env, "NEO4J_KEEP_DATA=1")
	}
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), s.password) {
		t.Errorf("testenv/neo4j/%s printed the password", name)
	}
	if err != nil {
		if name == "stop" {
			t.Logf("testenv/neo4j/stop: %v\n%s", err, out)
			return
		}
		t.Fatalf("testenv/neo4j/%s: %v\n%s", name, err, out)
	}
	t.Logf("testenv/neo4j/%s: %s", name, strings.TrimSpace(string(out)))
}

// pid is the JVM's pid, from the file start writes.
func (s *server) pid(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, ".run", strconv.Itoa(s.port), "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// kill sends sig to the JVM.
func (s *server) kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(s.pid(t), sig); err != nil {
		t.Fatalf("%v to neo4j: %v", sig, err)
	}
}

// waitGone waits until the port refuses connections (the JVM is dead).
func (s *server) waitGone(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.hostPort, time.Second)
		if err != nil {
			return
		}
		_ = c.Close()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s still accepts connections 30 s after SIGKILL", s.hostPort)
}

func (s *server) env() []string {
	return []string{"NEO4J_URI=" + s.uri, "NEO4J_USER=neo4j", "NEO4J_PASSWORD=" + s.password}
}

func (s *server) String() string { return fmt.Sprintf("neo4j on %s", s.hostPort) }
