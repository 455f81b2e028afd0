package cmd

import (
	"bytes"
	"net"
	"regexp"
	"strconv"
	"strings"
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
