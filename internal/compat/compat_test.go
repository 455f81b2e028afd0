package compat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// corpus is the scripts' root, relative to this package.
const corpus = "../../testdata/compat"

// samplesFile is where the harness asks for --out json when a script expects counts.
const samplesFile = "compat-samples.json"

var binary string

// slots bounds how many scripts run at once: CI has 2 cores shared with other jobs.
var slots = make(chan struct{}, 2)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xk6-neo4j-compat")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "xk6-neo4j")
	if env := os.Getenv("XK6_NEO4J_BINARY"); env != "" {
		binary = env // run the corpus against another build
	} else {
		build := exec.Command("go", "build", "-o", binary, "../../cmd/xk6-neo4j")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the binary:", err)
			os.Exit(2)
		}
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestCompat runs every script of the corpus: TestCompat/<area>/<name>, so
// `-run TestCompat/timers` runs one area and `-run TestCompat/timers/interval` one script.
func TestCompat(t *testing.T) {
	areas, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range areas {
		if !a.IsDir() {
			continue
		}
		area := a.Name()
		files, _ := filepath.Glob(filepath.Join(corpus, area, "*.[jt]s"))
		sort.Strings(files)
		total += len(files)
		t.Run(area, func(t *testing.T) {
			t.Parallel()
			for _, f := range files {
				name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					runScript(t, f)
				})
			}
		})
	}
	if total < 50 {
		t.Fatalf("the corpus has %d scripts; something removed it", total)
	}
}

func runScript(t *testing.T, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(path, string(src))
	if err != nil {
		t.Fatal(err)
	}
	env := baseEnv()
	var secret string
	if s.NeedsNeo4j {
		srv := testenv.RequireNeo4j(t)
		secret = srv.Password
		env = append(env, "NEO4J_URI="+srv.URI, "NEO4J_USER=neo4j", "NEO4J_PASSWORD="+srv.Password)
	}
	dir := t.TempDir()
	abs, _ := filepath.Abs(path)
	scriptDir := filepath.Dir(abs)
	// {tmp} is the run's own directory (its working directory, where files it writes
	// land); {dir} is the script's folder (for fixtures such as a --config file).
	places := strings.NewReplacer("{tmp}", dir, "{dir}", scriptDir)
	for _, kv := range s.Env {
		env = append(env, places.Replace(kv))
	}
	args := []string{"run", "--quiet"}
	counts := s.Iterations != nil || s.Checks != nil || len(s.Metrics) > 0
	if counts {
		args = append(args, "--out", "json="+filepath.Join(dir, samplesFile))
	}
	for _, a := range s.Args {
		args = append(args, places.Replace(a))
	}
	args = append(args, abs)

	slots <- struct{}{}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	timedOut := ctx.Err() != nil
	cancel()
	<-slots

	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, errOut := stdout.String(), testenv.Readable(stderr.String())
	var fails []string
	fail := func(format string, a ...any) { fails = append(fails, fmt.Sprintf(format, a...)) }

	if timedOut {
		fail("did not finish within %s (timeout: in the header to change)", s.Timeout)
	}
	if code != s.Exit {
		fail("exit code %d, want %d", code, s.Exit)
	}
	// What no script may ever print, whatever its header says.
	if strings.Contains(out+errOut, "goroutine ") || strings.Contains(out+errOut, "panic: ") || looksLikeGoFrame(out+errOut) {
		fail("the output has a Go panic or stack trace")
	}
	if secret != "" && strings.Contains(out+errOut, secret) {
		fail("the password appears in the output")
	}
	for _, w := range s.Stdout {
		if !strings.Contains(out, w) {
			fail("stdout lacks %q", w)
		}
	}
	for _, w := range s.Stderr {
		if !strings.Contains(errOut, w) {
			fail("stderr lacks %q", w)
		}
	}
	for _, w := range s.NoStdout {
		if strings.Contains(out, w) {
			fail("stdout has %q, which it must not", w)
		}
	}
	for _, w := range s.NoStderr {
		if strings.Contains(errOut, w) {
			fail("stderr has %q, which it must not", w)
		}
	}
	if s.Elapsed != nil && !s.Elapsed.Contains(elapsed.Seconds()) {
		fail("took %.2fs, want %ss", elapsed.Seconds(), s.Elapsed)
	}
	for _, f := range s.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Path))
		switch {
		case err != nil:
			fail("file %s: %v", f.Path, err)
		case !strings.Contains(string(b), f.Contains):
			fail("file %s lacks %q; it has:\n%s", f.Path, f.Contains, clip(string(b)))
		}
	}
	if counts {
		agg, err := readSamples(filepath.Join(dir, samplesFile))
		switch {
		case os.IsNotExist(err):
			fail("no counts to compare: the run wrote no --out json samples")
		case err != nil:
			fail("reading the --out json samples: %v", err)
		default:
			if s.Iterations != nil {
				if n := agg.of("iterations", nil).sum; !s.Iterations.Contains(n) {
					fail("iterations %g, want %s", n, s.Iterations)
				}
			}
			if s.Checks != nil {
				c := agg.of("checks", nil)
				if int(c.nonzero) != s.Checks[0] || int(c.count) != s.Checks[1] {
					fail("checks %d/%d, want %d/%d", int(c.nonzero), int(c.count), s.Checks[0], s.Checks[1])
				}
			}
			for _, m := range s.Metrics {
				a := agg.of(m.Name, m.Tags)
				v := a.value(m.Agg)
				if !aggOps[m.Op](v, m.Value) {
					fail("metric %s: got %g (%d samples)", m.Text, v, int(a.count))
				}
			}
		}
	}
	if len(fails) > 0 {
		t.Errorf("%s (exit %d, %.2fs, args %q):\n  - %s\n--- stdout:\n%s\n--- stderr:\n%s",
			path, code, elapsed.Seconds(), s.Args, strings.Join(fails, "\n  - "), clip(out), clip(errOut))
	}
}

// looksLikeGoFrame tells a Go stack frame ("\t/path/file.go:123 +0x1f") from a script
// that merely prints ".go:" in some text.
func looksLikeGoFrame(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "\t") && strings.Contains(line, ".go:") && strings.Contains(line, " +0x") {
			return true
		}
	}
	return false
}

// baseEnv is the test's environment without the variables that would change a run's
// options, target or colours (K6_*, NEO4J_*, NO_COLOR): each script states its own, so a
// run with its output redirected shows whether colours stay off on their own.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "K6_") || strings.HasPrefix(kv, "NEO4J_") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func clip(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max/2] + "\n[...]\n" + s[len(s)-max/2:]
	}
	return s
}

type series struct{ count, sum, min, max, nonzero float64 }

func (a series) value(agg string) float64 {
	switch agg {
	case "count":
		return a.count
	case "sum":
		return a.sum
	case "min":
		return a.min
	case "max":
		return a.max
	case "rate":
		if a.count == 0 {
			return 0
		}
		return a.nonzero / a.count
	}
	return 0
}

type point struct {
	tags  map[string]string
	value float64
}

type samples map[string][]point

func (s samples) of(name string, tags map[string]string) series {
	var a series
	for _, p := range s[name] {
		if !matches(p.tags, tags) {
			continue
		}
		if a.count == 0 || p.value < a.min {
			a.min = p.value
		}
		if a.count == 0 || p.value > a.max {
			a.max = p.value
		}
		a.count++
		a.sum += p.value
		if p.value != 0 {
			a.nonzero++
		}
	}
	return a
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// readSamples reads k6's NDJSON output: the Point lines, by metric.
func readSamples(path string) (samples, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := samples{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var l struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %q: %v", clip(sc.Text()), err)
		}
		if l.Type == "Point" {
			out[l.Metric] = append(out[l.Metric], point{l.Data.Tags, l.Data.Value})
		}
	}
	return out, sc.Err()
}

// TestParseIsStrict guards the format itself: a header that does not say what it means
// must stop the run instead of checking less than its author thought.
func TestParseIsStrict(t *testing.T) {
	bad := map[string]string{
		"no exit":      "// args: -i 1\nexport default function () {}\n",
		"unknown key":  "// expect-exit: 0\n// expect-iteration: 1\n",
		"free text":    "// expect-exit: 0\n// this script does things\n",
		"exit twice":   "// expect-exit: 0\n// expect-exit: 1\n",
		"bad checks":   "// expect-exit: 0\n// expect-checks: 5/4\n",
		"bad metric":   "// expect-exit: 0\n// expect-metric: iterations avg > 1\n",
		"bad needs":    "// expect-exit: 0\n// needs: postgres\n",
		"unclosed arg": "// expect-exit: 0\n// args: -e 'A=b\n",
		"empty stderr": "// expect-exit: 0\n// expect-stderr:\n",
		"escape file":  "// expect-exit: 0\n// expect-file: ../x y\n",
	}
	for name, src := range bad {
		if _, err := Parse(name+".js", src); err == nil {
			t.Errorf("%s: Parse accepted\n%s", name, src)
		}
	}
	s, err := Parse("ok.js", "// note: fine\n//\n// args: --vus 2 -e 'A=b c' \"--tag=x=\\\"y\\\"\"\n// expect-exit: 99\n"+
		"// expect-iterations: 20..22\n// expect-checks: 3/4\n// expect-metric: my_rate{k:v} rate >= 0.5\n"+
		"// expect-elapsed: 2.5s..9s\nexport default function () {}\n// expect-exit: 5\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--vus", "2", "-e", "A=b c", `--tag=x="y"`}
	if fmt.Sprint(s.Args) != fmt.Sprint(want) || s.Exit != 99 || *s.Iterations != (Range{20, 22}) ||
		*s.Checks != [2]int{3, 4} || s.Metrics[0].Tags["k"] != "v" || *s.Elapsed != (Range{2.5, 9}) {
		t.Errorf("parsed %+v", s)
	}
}
