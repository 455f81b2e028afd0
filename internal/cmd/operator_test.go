package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// buildBinary builds xk6-neo4j into a temporary folder, for the tests that start it as a
// process (skipped with -short), and returns it and the folder.
func buildBinary(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "xk6-neo4j")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/xk6-neo4j").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, dir
}

// What k6-operator does with a TestRun of parallelism 3, done here by hand with the same
// command lines: an initializer archives the script and inspects the archive (with no
// database credentials), three runners start on the archive with the segments of one
// sequence, --paused, their own API address and --tag instance_id=N, all pushing to one real
// Prometheus; a starter resumes each through PATCH /v1/status. The runners' iterations add
// up to the unsegmented run's, and Prometheus's sum of neo4j_queries over the instances
// equals the sum of the three summaries, instance by instance.
func TestOperatorFlow(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	prom := testenv.StartPrometheus(t)
	bin, dir := buildBinary(t)
	script, err := filepath.Abs("../../examples/operator.js") // the README's example
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The initializer's environment has no password: only the runners get it.
	env := func(password bool) []string {
		e := append(os.Environ(), "NO_COLOR=1", "K6_PROMETHEUS_RW_SERVER_URL="+prom+"/api/v1/write")
		e = slices.DeleteFunc(e, func(kv string) bool {
			return strings.HasPrefix(kv, "NEO4J_PASSWORD=") || strings.HasPrefix(kv, "NEO4J_URI=")
		})
		if password {
			e = append(e, "NEO4J_PASSWORD="+srv.Password)
		}
		return e
	}
	args := []string{"-e", "NEO4J_URI=" + srv.URI} // the TestRun's arguments

	// The initializer, with the operator's shell line.
	archive := filepath.Join(dir, "operator.js.archived.tar")
	out, err := initializer(ctx, bin, dir, script, archive, args, env(false))
	if err != nil {
		t.Fatalf("initializer: %v\n%s", err, out)
	}
	var reqs struct {
		MaxVUs        int64  `json:"maxVUs"`
		TotalDuration string `json:"totalDuration"`
	}
	if err := json.Unmarshal(out, &reqs); err != nil {
		t.Fatalf("inspect's stdout is not the JSON an operator reads: %v\n%s", err, out)
	}
	// 6 + 10 VUs (the scenarios overlap); 60 s + 30 s gracefulStop, and 3 s + 30 s.
	if reqs.MaxVUs != 16 || reqs.TotalDuration != "1m30s" {
		t.Errorf("inspect: maxVUs %d, totalDuration %s; want 16 and 1m30s", reqs.MaxVUs, reqs.TotalDuration)
	}

	// The reference: the same archive run whole, on one runner.
	cmd := exec.CommandContext(ctx, bin, "run", "--quiet", archive)
	cmd.Env = env(true)
	whole, err := cmd.Output()
	if err != nil {
		t.Fatalf("unsegmented run: %v\n%s", err, whole)
	}
	wantIters := summaryCount(t, string(whole), "iterations") + summaryCountOr0(string(whole), "dropped_iterations")

	// The runners, with the operator's command line (its segment flags, the arguments, the
	// script, then --address, --paused and the tags), plus the output.
	const sequence = "0,1/3,2/3,1"
	segments := []string{"0:1/3", "1/3:2/3", "2/3:1"}
	type runner struct {
		addr   string
		stdout bytes.Buffer
		stderr bytes.Buffer
		done   chan error
	}
	runners := make([]*runner, len(segments))
	for i, seg := range segments {
		r := &runner{addr: freePort(t), done: make(chan error, 1)}
		runners[i] = r
		argv := append([]string{"run", "--quiet", "--execution-segment=" + seg, "--execution-segment-sequence=" + sequence},
			append(append([]string{}, args...), "-o", "experimental-prometheus-rw")...)
		argv = append(argv, archive, "--address="+r.addr, "--paused",
			"--tag", "instance_id="+strconv.Itoa(i+1), "--tag", "testrun_name=optest")
		cmd := exec.CommandContext(ctx, bin, argv...)
		cmd.Env = env(true)
		cmd.Stdout, cmd.Stderr = &r.stdout, &r.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { r.done <- cmd.Wait() }()
		t.Cleanup(func() { _ = cmd.Process.Kill() })
	}
	// Every runner initialises its share of the VUs and waits.
	for i, r := range runners {
		deadline := time.Now().Add(60 * time.Second)
		for {
			st := getStatus(t, r.addr)
			if st != nil && st["paused"] == true {
				if want := []float64{6, 5, 5}[i]; st["vus-max"] != want || st["running"] != false || st["stopped"] != false {
					t.Errorf("runner %d paused: %v, want vus-max %v, neither running nor stopped", i+1, st, want)
				}
				break
			}
			select {
			case err := <-r.done:
				t.Fatalf("runner %d ended while it should wait: %v\n%s\n%s", i+1, err, r.stdout.String(), r.stderr.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("runner %d not paused after 60 s\n%s", i+1, r.stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The starter: the operator's request, to every runner.
	body := `{"data":{"attributes":{"paused":false},"id":"default","type":"status"}}`
	for i, r := range runners {
		req, _ := http.NewRequest(http.MethodPatch, "http://"+r.addr+"/v1/status", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("resuming runner %d: %v", i+1, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"paused":false`) {
			t.Fatalf("resuming runner %d: %s %s", i+1, resp.Status, b)
		}
	}
	iters, queries := 0, 0
	perInstance := map[string]int{}
	for i, r := range runners {
		if err := <-r.done; err != nil {
			t.Fatalf("runner %d: %v\n%s\n%s", i+1, err, r.stdout.String(), r.stderr.String())
		}
		iters += summaryCount(t, r.stdout.String(), "iterations") + summaryCountOr0(r.stdout.String(), "dropped_iterations")
		n := summaryCount(t, r.stdout.String(), "neo4j_queries")
		queries += n
		perInstance[strconv.Itoa(i+1)] = n
	}
	if iters != wantIters {
		t.Errorf("the three runners ran %d iterations (dropped ones included), the whole test %d", iters, wantIters)
	}
	if queries != iters {
		t.Errorf("%d queries in the summaries for %d iterations: one each", queries, iters)
	}

	// What Prometheus holds, once its last pushes are in (each runner flushes as it stops).
	at := time.Now()
	total := 0.0
	for _, s := range testenv.PromQuery(t, prom, `sum(k6_neo4j_queries_total{testrun_name="optest"})`, at) {
		total += s.Float(t)
	}
	if int(total) != queries {
		t.Errorf("Prometheus: sum(k6_neo4j_queries_total) = %v over the instances, the summaries %d", total, queries)
	}
	got := map[string]int{}
	for _, s := range testenv.PromQuery(t, prom, `sum by (instance_id) (k6_neo4j_queries_total{testrun_name="optest"})`, at) {
		got[s.Metric["instance_id"]] = int(s.Float(t))
	}
	if fmt.Sprint(got) != fmt.Sprint(perInstance) {
		t.Errorf("Prometheus per instance_id %v, the runners' summaries %v", got, perInstance)
	}
}

// initializer runs k6-operator's initializer line with bin as k6: archive, then inspect the
// archive, both with stderr to a file, and fail when that file has a level=error line (the
// grep prints it to stdout, which the operator shows).
func initializer(ctx context.Context, bin, dir, script, archive string, args, env []string) ([]byte, error) {
	logs := filepath.Join(dir, "k6logs")
	line := fmt.Sprintf("%[1]s archive %[2]s -O %[3]s %[4]s 2> %[5]s && %[1]s inspect --execution-requirements %[3]s 2> %[5]s ; ! cat %[5]s | grep 'level=error'",
		bin, script, archive, strings.Join(args, " "), logs)
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Env = env
	return cmd.Output()
}

// A broken script fails the operator's initializer, and its error reaches the initializer's
// output: the error is a level=error log line where stderr is not a terminal, as in k6.
func TestOperatorInitializerShowsAScriptError(t *testing.T) {
	bin, dir := buildBinary(t)
	script := filepath.Join(dir, "broken.js")
	if err := os.WriteFile(script, []byte("export default function ( {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := initializer(context.Background(), bin, dir, script, filepath.Join(dir, "a.tar"), nil, os.Environ())
	if err == nil || !strings.Contains(string(out), `level=error msg="script error: broken.js:2:1`) {
		t.Fatalf("initializer on a broken script: %v, output %q; want a failure showing the error and where", err, out)
	}
}
