package neo4j_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryOut  []byte
)

// xk6Binary builds the command once per test process.
func xk6Binary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xk6-neo4j-auth")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "xk6-neo4j")
		binaryOut, binaryErr = exec.Command("go", "build", "-o", binaryPath, "./cmd/xk6-neo4j").CombinedOutput()
	})
	if binaryErr != nil {
		t.Fatalf("go build: %v\n%s", binaryErr, binaryOut)
	}
	return binaryPath
}

const authOutputsScript = `
import neo4j from 'k6/x/neo4j';
export const options = { vus: 1, iterations: 2 };
// The server sampler, plans and profiles are on: what they write must be free of secrets too.
const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD, serverMetrics: '200ms', profile: 1 });
export default function () {
  for (const auth of [{ scheme: 'bearer', token: __ENV.FAKE_TOKEN }, { scheme: 'kerberos', ticket: __ENV.FAKE_TICKET },
                      { scheme: 'custom', principal: 'p1', credentials: __ENV.FAKE_TOKEN, parameters: { t: __ENV.FAKE_TICKET } }]) {
    try { neo4j.connect(__ENV.NEO4J_URI, { auth }); } catch (e) { console.log('caught: ' + e.message); console.error(String(e)); }
  }
  try { db.read('RETURN 1', {}, { impersonatedUser: 'loadtest2', tags: { name: 'imp' } }); } catch (e) { console.log('caught: ' + e.code); }
  db.read('RETURN $t AS t', { t: __ENV.FAKE_TOKEN }, { tags: { name: 'param' } });
  // Uncaught: the runner reports the exception itself.
  neo4j.connect(__ENV.NEO4J_URI, { auth: { scheme: 'bearer', token: __ENV.FAKE_TOKEN } });
}
export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify(data) };
}
`

// A refused token or ticket shows up nowhere: not on stdout or stderr (the script's own
// console output and the runner's report of an uncaught exception), not in --out json or
// csv, not in --summary-export, the HTML report or handleSummary's data (servers, plans,
// profiles included). What does show is the scheme and server, and the refused
// impersonation as a counted error.
func TestRefusedTokensAndTicketsAppearInNoOutput(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	bin := xk6Binary(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "auth.js")
	if err := os.WriteFile(script, []byte(authOutputsScript), 0o600); err != nil {
		t.Fatal(err)
	}
	const token, ticket = "eyJhbGciOiJIUzI1NiJ9.fake-Token-Qw71", "YIIBfake-Ticket-Qw72"
	jsonOut, export := filepath.Join(dir, "out.json"), filepath.Join(dir, "export.json")
	csvOut, report, summaryFile := filepath.Join(dir, "out.csv"), filepath.Join(dir, "report.html"), filepath.Join(dir, "summary.json")
	cmd := exec.Command(bin, "run", "--out", "json="+jsonOut, "--out", "csv="+csvOut, "--report", report,
		"--summary-export", export, script)
	cmd.Env = append(os.Environ(), "NEO4J_URI="+srv.URI, "NEO4J_PASSWORD="+srv.Password, "FAKE_TOKEN="+token, "FAKE_TICKET="+ticket,
		"SUMMARY_FILE="+summaryFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	outputs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
	for name, f := range map[string]string{"--out json": jsonOut, "--out csv": csvOut, "--report": report,
		"--summary-export": export, "handleSummary data": summaryFile} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("%s: %v\nstderr: %s", name, err, stderr.String())
		}
		outputs[name] = string(b)
	}
	for name, out := range outputs {
		for _, s := range []string{token, ticket, "Qw7", srv.Password} {
			if strings.Contains(out, s) {
				t.Errorf("%s shows a secret (%q)", name, s)
			}
		}
	}
	all := outputs["stdout"] + outputs["stderr"]
	for _, want := range []string{"bearer@" + srv.HostPort, "kerberos@" + srv.HostPort, "custom:p1@" + srv.HostPort,
		"refused the bearer token", "Neo.ClientError.Statement.ArgumentError"} {
		if !strings.Contains(all, want) {
			t.Errorf("stdout and stderr do not say %q:\n%s", want, all)
		}
	}
	if !strings.Contains(outputs["--out json"], `"error_code":"Neo.ClientError.Statement.ArgumentError"`) {
		t.Errorf("--out json has no sample of the refused impersonation:\n%.2000s", outputs["--out json"])
	}
}
