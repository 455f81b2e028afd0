package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

type result struct {
	stdout, stderr string
	code           int
}

// runScript writes src as script.js in a temp dir and runs `xk6-neo4j run ARGS script.js`
// in-process, the way the binary would.
func runScript(t *testing.T, src string, env map[string]string, args ...string) result {
	t.Helper()
	return runScriptWith(t, src, env, nil, args...)
}

// runScriptWith is runScript with a module table of the test's.
func runScriptWith(t *testing.T, src string, env map[string]string, mods func() map[string]modules.Module, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return runArgsWith(t, env, mods, append(append([]string{"run", "--quiet"}, args...), path)...)
}

func runArgs(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runArgsWith(t, env, nil, args...)
}

func runArgsWith(t *testing.T, env map[string]string, mods func() map[string]modules.Module, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	if env == nil {
		env = map[string]string{}
	}
	code := Main(&GlobalState{Args: append([]string{"xk6-neo4j"}, args...), Env: env, Stdout: &out, Stderr: &errb, Modules: mods})
	return result{out.String(), testenv.Readable(errb.String()), code}
}

// summaryCount reads a counter's total from the text summary.
func summaryCount(t *testing.T, out, metric string) int {
	t.Helper()
	n, ok := summaryCounter(out, metric)
	if !ok {
		t.Fatalf("no %s in the summary:\n%s", metric, out)
	}
	return n
}

// summaryCountOr0 is summaryCount for a counter the summary leaves out when it is zero.
func summaryCountOr0(out, metric string) int {
	n, _ := summaryCounter(out, metric)
	return n
}

func summaryCounter(out, metric string) (int, bool) {
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(metric) + `\.+: (\d+)\s`).FindStringSubmatch(out)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, true
}

func TestLifecycleEnvAndSetupData(t *testing.T) {
	src := `
import { check } from 'k6';
export const options = { vus: 3, iterations: 12 };
export function setup() { return { token: 'abc', n: 5 }; }
export default function (data) {
  check(data, {
    'setup data arrives': (d) => d.token === 'abc' && d.n === 5,
    'env from -e': () => __ENV.GREETING === 'hi there',
    'VU ids are 1..3': () => __VU >= 1 && __VU <= 3,
    'iterations count from 0': () => __ITER >= 0 && __ITER < 12,
  });
}
export function teardown(data) { if (data.token !== 'abc') throw new Error('teardown lost the setup data'); }
`
	r := runScript(t, src, nil, "-e", "GREETING=hi there")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 12 {
		t.Fatalf("iterations %d, want 12", n)
	}
	if !strings.Contains(r.stdout, "checks_succeeded") || !strings.Contains(r.stdout, "100.00% 48 out of 48") {
		t.Fatalf("want 48 passing checks:\n%s", r.stdout)
	}
	for _, name := range []string{"✓ setup data arrives", "✓ env from -e", "✓ VU ids are 1..3", "✓ iterations count from 0"} {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("summary lacks %q", name)
		}
	}
}

func TestShortcutsFromFlagsEnvAndScript(t *testing.T) {
	src := `export const options = { iterations: 2 }; export default function () {}`
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"script", nil, nil, 2},
		{"env overrides script", map[string]string{"K6_ITERATIONS": "5"}, nil, 5},
		{"flag overrides env", map[string]string{"K6_ITERATIONS": "5"}, []string{"-i", "7", "-u", "7"}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runScript(t, src, c.env, c.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if n := summaryCount(t, r.stdout, "iterations"); n != c.want {
				t.Fatalf("iterations %d, want %d", n, c.want)
			}
		})
	}
}

func TestDefaultIsOneVUOneIteration(t *testing.T) {
	r := runScript(t, `export default function () {}`, nil)
	if r.code != ExitOK || summaryCount(t, r.stdout, "iterations") != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
}

func TestConstantVUsRunForTheDuration(t *testing.T) {
	r := runScript(t, `import { sleep } from 'k6'; export default function () { sleep(0.1); }`, nil, "-u", "4", "-d", "1s")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// 4 VUs x 1 s / 0.1 s per iteration = about 40.
	if n := summaryCount(t, r.stdout, "iterations"); n < 30 || n > 44 {
		t.Fatalf("iterations %d, want about 40", n)
	}
}

func TestExceptionInAnIterationIsCountedAndTheRunGoesOn(t *testing.T) {
	src := `export default function () { if (__ITER % 2 === 0) { undefinedFunction(); } }`
	r := runScript(t, src, nil, "-i", "10")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 10 {
		t.Fatalf("iterations %d, want 10", n)
	}
	if !strings.Contains(r.stdout, "iteration_failed") || !strings.Contains(r.stdout, "50.00% 5 out of 10") {
		t.Fatalf("iteration_failed should show 5 of 10:\n%s", r.stdout)
	}
	// Logged once, with the script's own line, then counted.
	if c := strings.Count(r.stderr, "undefinedFunction is not defined"); c != 1 {
		t.Fatalf("exception logged %d times, want once:\n%s", c, r.stderr)
	}
	if !strings.Contains(r.stderr, "script.js:1:") {
		t.Fatalf("the stack should point into script.js:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "5 × ReferenceError: undefinedFunction is not defined") {
		t.Fatalf("the summary should count the exception:\n%s", r.stdout)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name, src string
		args      []string
		code      int
		stderr    []string
	}{
		{"exception in init", "\n\nthrow new Error('bad init');\nexport default function () {}", nil, ExitScriptException, []string{"bad init", "script.js:3:"}},
		{"syntax error", "export default function () { let x = ; }", nil, ExitScriptException, []string{"script.js:1:"}},
		{"unknown module", "import x from 'k6/x/nope'; export default function () {}", nil, ExitScriptException, []string{`unknown module "k6/x/nope"`}},
		{"remote import", "import x from 'https://example.invalid/lib.js'; export default function () {}", nil, ExitScriptException, []string{"remote module", "not supported"}},
		{"no default function", "export const options = {};", nil, ExitInvalidConfig, []string{"executor default: function 'default' not found in exports"}},
		{"invalid options, all named", `export const options = { scenarios: { a: { executor: 'constant-vus', vus: 0 }, b: { executor: 'warp-speed' } } }; export default function () {}`,
			nil, ExitInvalidConfig, []string{`scenario "a", option "vus"`, `scenario "a", option "duration"`, `"warp-speed" is not an executor`}},
		{"wrong option type", `export const options = { vus: 'ten' }; export default function () {}`, nil, ExitInvalidConfig, []string{`"vus"`}},
		{"bad duration flag", "export default function () {}", []string{"-d", "forever"}, ExitUsage, []string{"--duration", "forever"}},
		{"exception in setup", "export function setup() { throw new Error('no data'); } export default function () {}", nil, ExitScriptException, []string{"setup() failed", "no data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runScript(t, c.src, nil, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, c.code, r.stdout, r.stderr)
			}
			for _, s := range c.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, ".go:") {
				t.Errorf("stderr shows Go internals:\n%s", r.stderr)
			}
		})
	}
}

func TestMissingScriptAndUsage(t *testing.T) {
	r := runArgs(t, nil, "run", "/nonexistent/script.js")
	if r.code != ExitScriptException || !strings.Contains(r.stderr, "/nonexistent/script.js") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = runArgs(t, nil, "frobnicate")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestConfigFileIsBelowTheScriptAndFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(`{"iterations": 3, "summaryTrendStats": ["avg", "p(99)"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runScript(t, `export default function () {}`, nil, "--config", cfg)
	if r.code != ExitOK || summaryCount(t, r.stdout, "iterations") != 3 || !strings.Contains(r.stdout, "p(99)=") {
		t.Fatalf("config file not applied: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runScript(t, `export const options = { iterations: 5 }; export default function () {}`, nil, "--config", cfg)
	if n := summaryCount(t, r.stdout, "iterations"); n != 5 {
		t.Fatalf("the script's options should win over the config file: %d iterations", n)
	}
	if err := os.WriteFile(cfg, []byte(`{"vus": "many"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runScript(t, `export default function () {}`, nil, "--config", cfg)
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, cfg) || !strings.Contains(r.stderr, `"vus"`) {
		t.Fatalf("a bad config file should name itself and the option: exit %d %s", r.code, r.stderr)
	}
}

func TestMaxDurationDropsTheIterationsItLeavesUnstarted(t *testing.T) {
	src := `import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 1000, maxDuration: '1s' } } };
export default function () { sleep(0.1); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	done, dropped := summaryCount(t, r.stdout, "iterations"), summaryCount(t, r.stdout, "dropped_iterations")
	if done < 10 || done > 25 || done+dropped != 1000 {
		t.Fatalf("%d iterations and %d dropped: want about 20 done and the rest of 1000 dropped", done, dropped)
	}
}
