package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// k6's run flags that used to exit 2 here are accepted and the run succeeds.
func TestK6RunFlagsAreAccepted(t *testing.T) {
	src := `export default function () {}`
	for _, args := range [][]string{
		{"--no-thresholds"}, {"--no-setup"}, {"--no-teardown"}, {"--no-usage-report"},
		{"-s", "100ms:1"}, {"--stage", "100ms:1,100ms:0"},
		{"--log-format", "json"}, {"--log-format", "raw"}, {"--log-format", "logfmt"},
		{"--log-output", "stderr"}, {"--log-output", "stdout"}, {"--log-output", "none"},
		{"--system-tags", "scenario,vu,iter"}, {"--include-system-env-vars"}, {"--include-system-env-vars=false"},
		{"--compatibility-mode", "base"}, {"--compatibility-mode", "extended"}, {"--compatibility-mode", "experimental_enhanced"},
		{"-v"}, {"--verbose"}, {"-w"}, {"--throw"}, {"--linger"}, {"-l"},
	} {
		r := runScript(t, src, nil, args...)
		if r.code != ExitOK {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// k6 exits 255 for an unknown flag and for a bad flag value, naming it; with no command it
// prints its help and exits 0.
func TestBadFlagsExit255AndNoCommandIsHelp(t *testing.T) {
	src := `export default function () {}`
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--frobnicate"}, "--frobnicate"},
		{[]string{"-d", "forever"}, "--duration"},
		{[]string{"--vus", "ten"}, "vus"},
		{[]string{"--stage", "30s"}, "--stage"},
		{[]string{"--stage", "x:10"}, "--stage"},
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--log-output", "loki=127.0.0.1:3100"}, "loki is not supported"},
		{[]string{"--log-output", "syslog"}, "--log-output"},
		{[]string{"--compatibility-mode", "es6"}, "--compatibility-mode"},
		{[]string{"--tag", "novalue"}, "novalue"},
	} {
		r := runScript(t, src, nil, c.args...)
		if r.code != 255 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 255 naming %q\n%s", c.args, r.code, c.want, r.stderr)
		}
	}
	if r := runArgs(t, nil, "frobnicate"); r.code != 255 {
		t.Errorf("unknown command: exit %d, want 255", r.code)
	}
	if r := runArgs(t, nil); r.code != ExitOK || !strings.Contains(r.stdout, "Usage:") {
		t.Errorf("no command: exit %d, want 0 and the help\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// On a stderr that is not a terminal, logs are k6's logfmt, with no colour codes.
func TestLogsAreLogfmtOffATerminal(t *testing.T) {
	r := runScript(t, `export default function () { console.log('hello "you"'); console.warn('careful'); }`, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	re := regexp.MustCompile(`(?m)^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)" level=info msg="hello \\"you\\"" source=console$`)
	if !re.MatchString(r.stderr) {
		t.Errorf("no logfmt console line:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, `level=warning msg=careful source=console`) {
		t.Errorf("no logfmt warning:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("colour codes in a redirected stderr:\n%q", r.stderr)
	}
}

func TestLogFormatJSONRawAndOutputs(t *testing.T) {
	src := `export default function () { console.log('hi'); console.debug('dbg'); }`
	r := runScript(t, src, nil, "--log-format", "json")
	if !regexp.MustCompile(`(?m)^\{"level":"info","msg":"hi","source":"console","time":"[^"]+"\}$`).MatchString(r.stderr) {
		t.Errorf("json:\n%s", r.stderr)
	}
	r = runScript(t, src, nil, "--log-format", "raw")
	if !regexp.MustCompile(`(?m)^hi$`).MatchString(r.stderr) || strings.Contains(r.stderr, "dbg") {
		t.Errorf("raw (without -v no debug):\n%s", r.stderr)
	}
	r = runScript(t, src, nil, "--log-format", "raw", "-v")
	if !regexp.MustCompile(`(?m)^dbg$`).MatchString(r.stderr) {
		t.Errorf("-v shows console.debug:\n%s", r.stderr)
	}
	r = runScript(t, src, nil, "--log-output", "stdout")
	if !strings.Contains(r.stdout, "msg=hi source=console") || strings.Contains(r.stderr, "msg=hi") {
		t.Errorf("--log-output stdout:\nstdout %s\nstderr %s", r.stdout, r.stderr)
	}
	r = runScript(t, src, nil, "--log-output", "none")
	if strings.Contains(r.stderr+r.stdout, "msg=hi") {
		t.Errorf("--log-output none still logs:\n%s", r.stderr)
	}
	dir := t.TempDir()
	logFile, consoleFile := filepath.Join(dir, "k6.log"), filepath.Join(dir, "console.log")
	r = runScript(t, `export default function () { console.log('to the console file'); console.error({ a: 1 }); }`, nil,
		"--log-output", "file="+logFile, "--console-output", consoleFile)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(consoleFile)
	if err != nil || !strings.Contains(string(b), `level=info msg="to the console file"`) || !strings.Contains(string(b), `level=error msg="{ a: 1 }"`) {
		t.Errorf("--console-output file: %v\n%s", err, b)
	}
	if strings.Contains(r.stderr, "to the console file") {
		t.Errorf("console output also on stderr:\n%s", r.stderr)
	}
	if _, err := os.Stat(logFile); err != nil {
		t.Errorf("--log-output file=: %v", err)
	}
	r = runScript(t, src, nil, "--console-output", filepath.Join(dir, "no", "such", "dir", "c.log"))
	if r.code != 255 || !strings.Contains(r.stderr, "--console-output") {
		t.Errorf("unwritable --console-output: exit %d\n%s", r.code, r.stderr)
	}
}

// console.log prints objects the way k6 v1+ does, not as JSON.
func TestConsoleLogFormatsValuesAsK6(t *testing.T) {
	src := `export default function () {
  console.log({ name: "John", id: 1 });
  console.log([1, "a", [true, null], { b: undefined }], 'plain', 3);
  const o = { x: { y: [1] } }; o.self = o; o.x.back = o;
  console.log(o);
  console.log(new Error('bad'), function f() {}, [], {});
  console.log({ fn() {}, d: new Date(0) });
}`
	r := runScript(t, src, nil, "--log-format", "raw")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		`{ name: "John", id: 1 }`,
		`[ 1, "a", [ true, null ], { b: null } ] plain 3`,
		`{ x: { y: [ 1 ], back: [Circular] }, self: [Circular] }`,
		`Error: bad [object Function] [] {}`,
		`{ fn: [object Function], d: "1970-01-01T00:00:00.000Z" }`,
	} {
		if !strings.Contains(r.stderr, want+"\n") {
			t.Errorf("want %s in:\n%s", want, r.stderr)
		}
	}
}

// As k6: when flags replace the scenarios of the script, a warning says so.
func TestFlagsReplacingScenariosWarn(t *testing.T) {
	src := `import exec from 'k6/execution';
export const options = { scenarios: { mine: { executor: 'shared-iterations', iterations: 50 } } };
export default function () { if (exec.scenario.iterationInTest === 0) console.log('scenario ' + exec.scenario.name + ' ' + exec.test.options.scenarios.default.executor); }`
	r := runScript(t, src, nil, "--stage", "200ms:1")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `msg="\"cli\" level configuration overrode scenarios configuration entirely"`) {
		t.Errorf("no override warning:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, `scenario default ramping-vus`) {
		t.Errorf("--stage did not become a ramping-vus default scenario:\n%s", r.stderr)
	}
	r = runScript(t, src, nil, "--vus", "2")
	if strings.Contains(r.stderr, "overrode scenarios") {
		t.Errorf("--vus alone replaces no scenarios (k6 does not warn):\n%s", r.stderr)
	}
}

func TestNoThresholdsAndSystemEnv(t *testing.T) {
	src := `export const options = { thresholds: { iterations: ['count>100'] } };
export default function () { console.log('FROM_PROC=' + __ENV.FROM_PROC + ' FROM_FLAG=' + __ENV.FROM_FLAG); }`
	env := map[string]string{"FROM_PROC": "p"}
	if r := runScript(t, src, env); r.code != ExitThresholds {
		t.Fatalf("without --no-thresholds: exit %d, want 99\n%s", r.code, r.stderr)
	}
	r := runScript(t, src, env, "--no-thresholds", "-e", "FROM_FLAG=f")
	if r.code != ExitOK || strings.Contains(r.stdout, "count>100") {
		t.Errorf("--no-thresholds: exit %d, the threshold still judged or shown\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "FROM_PROC=p FROM_FLAG=f") {
		t.Errorf("by default (as k6 run) the process environment is in __ENV:\n%s", r.stderr)
	}
	r = runScript(t, src, env, "--no-thresholds", "--include-system-env-vars=false", "-e", "FROM_FLAG=f")
	if !strings.Contains(r.stderr, "FROM_PROC=undefined FROM_FLAG=f") {
		t.Errorf("--include-system-env-vars=false:\n%s", r.stderr)
	}
}

// A stack frame names the default function as the script does (k6: "at default (…)"), not
// with the bundler's name for it.
func TestStackFramesNameTheDefaultFunction(t *testing.T) {
	src := "function helper() {\n  throw new Error('boom');\n}\nexport default function () {\n  helper();\n}\n"
	r := runScript(t, src, nil, "--log-format", "raw")
	// Columns as k6 gives them: where `new Error` starts, and a call's "(".
	if !regexp.MustCompile(`\tat helper \(\S*script\.js:2:9\)`).MatchString(r.stderr) || !regexp.MustCompile(`\tat default \(\S*script\.js:5:9\)`).MatchString(r.stderr) {
		t.Errorf("want frames of helper and default:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "script_default") {
		t.Errorf("the bundler's name shows:\n%s\n%s", r.stderr, r.stdout)
	}
}

// --linger: after the summary the process stays until Ctrl-C, then exits with the run's code.
func TestLingerWaitsForCtrlCAfterTheSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(path, []byte(`export default function () {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	var out, errb testenv.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(&GlobalState{Args: []string{"xk6-neo4j", "run", "--quiet", "--linger", path}, Env: map[string]string{},
			Stdout: &out, Stderr: &errb, Signals: sig})
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(errb.String(), "Linger set; waiting for Ctrl+C to fully exit...") {
		if time.Now().After(deadline) {
			t.Fatalf("no linger message within a minute:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "iterations") {
		t.Errorf("the summary should be printed before lingering:\n%s", out.String())
	}
	select {
	case code := <-done:
		t.Fatalf("the run ended (exit %d) without Ctrl-C", code)
	case <-time.After(500 * time.Millisecond):
	}
	sig <- syscall.SIGINT
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d after lingering, want the run's 0\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl-C did not end the linger")
	}
}

// The consoleOutput option does what --console-output does; exec.test.options shows it.
func TestConsoleOutputOption(t *testing.T) {
	file := filepath.Join(t.TempDir(), "console.txt")
	src := `import exec from 'k6/execution';
export const options = { consoleOutput: ` + strconv.Quote(file) + ` };
export default function () { console.log('opt=' + (exec.test.options.consoleOutput === ` + strconv.Quote(file) + `)); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK || strings.Contains(r.stderr, "opt=") || strings.Contains(r.stderr, "consoleOutput") {
		t.Fatalf("exit %d; console output or a warning on stderr:\n%s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), `msg="opt=true"`) {
		t.Errorf("consoleOutput file: %v\n%s", err, b)
	}
}
