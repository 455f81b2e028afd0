package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// inspectScenarios has three scenarios whose needs are worked out by hand: a ends at
// 10s + 30s (its default gracefulStop); b starts at 20s, ramps for 30s, then has 5s of
// gracefulRampDown and 2s of gracefulStop: it ends at 57s, overlapping a (5 + 3 VUs); c
// starts at 1m, after both, and ends at 60 + 10 + 30 = 100s with 4 VUs.
const inspectScenarios = `export const options = {
  scenarios: {
    a: { executor: 'constant-vus', vus: 5, duration: '10s' },
    b: { executor: 'ramping-vus', startTime: '20s', stages: [{ duration: '10s', target: 3 }, { duration: '20s', target: 0 }],
         gracefulRampDown: '5s', gracefulStop: '2s' },
    c: { executor: 'per-vu-iterations', startTime: '1m', vus: 4, iterations: 2, maxDuration: '10s' },
  },
  thresholds: { checks: ['rate>0.9'] },
};
export default function () {}
`

func inspectJSON(t *testing.T, env map[string]string, args ...string) map[string]any {
	t.Helper()
	r := runArgs(t, env, append([]string{"inspect"}, args...)...)
	if r.code != ExitOK {
		t.Fatalf("inspect %q: exit %d\n%s", args, r.code, r.stderr)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("inspect %q printed no JSON: %v\n%s", args, err, r.stdout)
	}
	return out
}

// inspect prints the options (the script's, or the archive's), and with
// --execution-requirements the resolved scenarios with maxVUs and totalDuration, the same for
// the script and its archive; an archive needs no init code (the script here would fail it).
func TestInspect(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.js")
	src := "if (__ENV.FAIL_INIT) throw new Error('init ran');\n" + inspectScenarios
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	arc := filepath.Join(dir, "s.tar")
	if r := runArgs(t, nil, "archive", "-O", arc, script); r.code != ExitOK {
		t.Fatalf("archive: exit %d\n%s", r.code, r.stderr)
	}
	for _, target := range []string{script, arc} {
		plain := inspectJSON(t, nil, target)
		if _, ok := plain["scenarios"].(map[string]any)["c"]; !ok || plain["maxVUs"] != nil || plain["thresholds"] == nil {
			t.Errorf("inspect %s: %v; want the options as written, without maxVUs", target, plain)
		}
		req := inspectJSON(t, nil, "--execution-requirements", target)
		if req["maxVUs"] != 8.0 || req["totalDuration"] != "1m40s" {
			t.Errorf("inspect --execution-requirements %s: maxVUs %v, totalDuration %v; want 8 and 1m40s", target, req["maxVUs"], req["totalDuration"])
		}
		b := req["scenarios"].(map[string]any)["b"].(map[string]any)
		if b["executor"] != "ramping-vus" || b["startVUs"] != 1.0 {
			t.Errorf("scenario b as resolved: %v; want the defaults filled in (startVUs 1)", b)
		}
	}
	// The archive's init code does not run for inspect.
	if r := runArgs(t, nil, "inspect", "-e", "FAIL_INIT=1", arc); r.code != ExitOK {
		t.Errorf("inspect of an archive ran the init code: exit %d\n%s", r.code, r.stderr)
	}
	if r := runArgs(t, nil, "inspect", "-e", "FAIL_INIT=1", script); r.code != ExitScriptException {
		t.Errorf("inspect of a script whose init throws: exit %d, want 107\n%s", r.code, r.stderr)
	}
	// Shortcuts resolve as run does; K6_* variables and flags apply with --execution-requirements.
	short := filepath.Join(dir, "short.js")
	if err := os.WriteFile(short, []byte("export const options = { vus: 3, duration: '1m' };\nexport default function () {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := inspectJSON(t, nil, "--execution-requirements", short)
	if req["maxVUs"] != 3.0 || req["totalDuration"] != "1m30s" {
		t.Errorf("vus 3, duration 1m: maxVUs %v, totalDuration %v; want 3 and 1m30s (30s gracefulStop)", req["maxVUs"], req["totalDuration"])
	}
	req = inspectJSON(t, map[string]string{"K6_VUS": "7"}, "--execution-requirements", short)
	if req["maxVUs"] != 7.0 {
		t.Errorf("K6_VUS=7: maxVUs %v", req["maxVUs"])
	}
	if r := runArgs(t, nil, "inspect", "--execution-requirements", "-d", "-5s", short); r.code != ExitInvalidConfig {
		t.Errorf("an invalid duration: exit %d, want 104\n%s", r.code, r.stderr)
	}
}
