// Package examples_test runs every example script end to end: the real binary, a real
// Neo4j, the output a user would read.
package examples_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xk6-neo4j-examples")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "xk6-neo4j")
	build := exec.Command("go", "build", "-o", binary, "../cmd/xk6-neo4j")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		os.Exit(2)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// requireServer is the Neo4j the examples run against.
func requireServer(t *testing.T) testenv.Neo4j { return testenv.RequireNeo4j(t) }

type run struct {
	stdout, stderr string
	code           int
}

func runExample(t *testing.T, srv testenv.Neo4j, script string, args ...string) run {
	t.Helper()
	return runExampleEnv(t, srv, nil, script, args...)
}

func runExampleEnv(t *testing.T, srv testenv.Neo4j, env []string, script string, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, append(append([]string{"run", "--quiet"}, args...), script)...)
	cmd.Env = append(append(os.Environ(), "NEO4J_URI="+srv.URI, "NEO4J_USER=neo4j", "NEO4J_PASSWORD="+srv.Password), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	r := run{out.String(), errb.String(), code}
	if strings.Contains(r.stdout+r.stderr, srv.Password) {
		t.Fatalf("the password appears in the output of %s", script)
	}
	return r
}

func count(t *testing.T, out, metric string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(metric) + `\.+: (\d+)\s`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in the summary:\n%s", metric, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestExamplesHello(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	r := runExample(t, srv, "hello.js")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	iters := count(t, r.stdout, "iterations")
	if iters < 50 {
		t.Fatalf("only %d iterations in 10 s with 10 VUs:\n%s", iters, r.stdout)
	}
	// Each iteration reads once and writes once; setup writes once more.
	if q := count(t, r.stdout, "neo4j_queries"); q != 2*iters+1 {
		t.Fatalf("neo4j_queries %d, want 2 x %d iterations + 1 (setup)", q, iters)
	}
	for _, want := range []string{
		"✓ found the person",
		"neo4j_query_duration",
		"neo4j_query_failed......",
		"0.00% 0 out of",
		"person-by-id", "count-visit", "seed-people",
		"iteration_duration",
		"vus_max",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", r.stdout)
	}
}

// allChecksPass asserts the run succeeded with every check passing.
func allChecksPass(t *testing.T, r run) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`checks_failed\.+: 0\.00% 0 out of [1-9]`).MatchString(r.stdout) {
		t.Fatalf("some checks failed:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "SCRIPT EXCEPTIONS") {
		t.Fatalf("the script threw:\n%s\n%s", r.stdout, r.stderr)
	}
}

func TestExamplesTransactions(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	r := runExample(t, srv, "transactions.js")
	allChecksPass(t, r)
	if n := count(t, r.stdout, "iterations"); n != 200 {
		t.Fatalf("iterations %d, want 200", n)
	}
	for _, want := range []string{"✓ money is never created or lost", "neo4j_tx_duration", "debit", "credit", "audit", "transfer"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

func TestExamplesTypes(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	r := runExample(t, srv, "types.js")
	allChecksPass(t, r)
	if !strings.Contains(r.stdout, "10 out of 10") {
		t.Fatalf("want all 10 type checks to pass:\n%s", r.stdout)
	}
}

func TestExamplesIdentities(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	r := runExample(t, srv, "identities.js")
	allChecksPass(t, r)
	if n := count(t, r.stdout, "neo4j_queries"); n != 80 {
		t.Fatalf("neo4j_queries %d, want 80 (40 iterations x 2 identities)", n)
	}
}

func TestExamplesTLS(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	caFile, hp := testenv.StartTLSNeo4j(t, "7697")
	r := runExampleEnv(t, srv, []string{"NEO4J_TLS_URI=bolt+s://" + hp, "NEO4J_CA_FILE=" + caFile}, "tls.js")
	allChecksPass(t, r)
	if n := count(t, r.stdout, "neo4j_queries"); n != 20 {
		t.Fatalf("neo4j_queries %d, want 20", n)
	}
}

// The TypeScript declarations type-check, with k6's own types, against a script that uses
// them; and that script runs.
func TestExamplesTyped(t *testing.T) {
	tsc, err := filepath.Abs("../types/node_modules/.bin/tsc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tsc); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tsc missing: CI installs it with scripts/deps (npm ci --prefix types)")
		}
		t.Skip("tsc not installed: run scripts/deps")
	}
	out, err := exec.Command(tsc, "-p", "../types/tsconfig.json").CombinedOutput()
	if err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
	srv := testenv.RequireNeo4j(t)
	r := runExample(t, srv, "typed.ts")
	allChecksPass(t, r)
	if n := count(t, r.stdout, "iterations"); n != 20 {
		t.Fatalf("iterations %d, want 20", n)
	}
}
