package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const groupedChecksScript = `import { check, group } from 'k6';
export const options = { iterations: 2, thresholds: { never_used: ['count<1'], checks: ['rate>0.1'] } };
import { Counter } from 'k6/metrics';
const neverUsed = new Counter('never_used');
export function setup() { return { v: 1 }; }
export default function () {
  check(1, { 'top ok': (x) => x === 1 });
  group('outer', () => {
    check(1, { 'in outer': (x) => x === 1 });
    group('inner', () => { check(1, { 'deep': (x) => x === 2 }); });
  });
}
export function handleSummary(data) {
  return { '` + "%DATA%" + `': JSON.stringify(data) };
}
`

// --summary-export is k6's older JSON: groups and checks keyed by name at every level, so
// jq paths such as .root_group.groups.outer.checks["in outer"] work as with k6.
func TestSummaryExportKeysGroupsByName(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "export.json")
	src := strings.Replace(groupedChecksScript, "%DATA%", filepath.Join(dir, "data.json"), 1)
	r := runScript(t, src, nil, "--summary-export", export)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		RootGroup struct {
			Checks map[string]struct{ Passes int } `json:"checks"`
			Groups map[string]struct {
				Checks map[string]struct{ Passes int } `json:"checks"`
				Groups map[string]struct {
					Checks map[string]struct{ Fails int } `json:"checks"`
				} `json:"groups"`
			} `json:"groups"`
		} `json:"root_group"`
		Metrics   map[string]map[string]any `json:"metrics"`
		SetupData map[string]float64        `json:"setup_data"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("export is not k6's shape: %v\n%s", err, b)
	}
	if out.RootGroup.Checks["top ok"].Passes != 2 || out.RootGroup.Groups["outer"].Checks["in outer"].Passes != 2 ||
		out.RootGroup.Groups["outer"].Groups["inner"].Checks["deep"].Fails != 2 {
		t.Fatalf("checks not where k6 puts them:\n%s", b)
	}
	if n, ok := out.Metrics["never_used"]; !ok || n["count"] != 0.0 || n["rate"] != 0.0 {
		t.Fatalf("a thresholded metric without samples has k6's zero values: %v\n%s", n, b)
	}
	if out.SetupData["v"] != 1 {
		t.Fatalf("setup_data missing:\n%s", b)
	}
}

// handleSummary's data: a thresholded metric with no samples is there at zero, and
// options.noColor follows --no-color / NO_COLOR, not whether stdout is a terminal.
func TestHandleSummaryDataZeroValuesAndNoColor(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want bool
	}{
		{"default", nil, nil, false},
		{"--no-color", nil, []string{"--no-color"}, true},
		{"NO_COLOR", map[string]string{"NO_COLOR": "1"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "data.json")
			r := runScript(t, strings.Replace(groupedChecksScript, "%DATA%", path, 1), tc.env, tc.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var d struct {
				Options struct {
					NoColor bool `json:"noColor"`
				} `json:"options"`
				Metrics map[string]struct {
					Type       string             `json:"type"`
					Values     map[string]float64 `json:"values"`
					Thresholds map[string]struct {
						OK bool `json:"ok"`
					} `json:"thresholds"`
				} `json:"metrics"`
				SetupData any `json:"setup_data"`
			}
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatal(err)
			}
			if d.Options.NoColor != tc.want {
				t.Errorf("options.noColor = %v, want %v", d.Options.NoColor, tc.want)
			}
			m := d.Metrics["never_used"]
			if m.Type != "counter" || len(m.Values) != 2 || m.Values["count"] != 0 || m.Values["rate"] != 0 || !m.Thresholds["count<1"].OK {
				t.Errorf("never_used in data: %+v", m)
			}
			if d.SetupData == nil {
				t.Errorf("setup_data missing: %s", b)
			}
		})
	}
}

// --summary-mode: compact is the default layout, full adds a section per group, disabled
// prints none; anything else, k6's "legacy" included, is refused with the flag named.
func TestSummaryMode(t *testing.T) {
	src := `import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () { group('login', () => { check(1, { 'logged in': () => true }); }); }`
	compact := runScript(t, src, nil)
	full := runScript(t, src, nil, "--summary-mode", "full")
	disabled := runScript(t, src, nil, "--summary-mode=disabled")
	for _, r := range []result{compact, full, disabled} {
		if r.code != ExitOK {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
	if !strings.Contains(compact.stdout, "TOTAL RESULTS") || strings.Contains(compact.stdout, "GROUP: login") {
		t.Errorf("compact summary:\n%s", compact.stdout)
	}
	if !strings.Contains(full.stdout, "TOTAL RESULTS") || !strings.Contains(full.stdout, "█ GROUP: login") {
		t.Errorf("full summary lacks the group's section:\n%s", full.stdout)
	}
	if strings.Contains(disabled.stdout, "TOTAL RESULTS") {
		t.Errorf("disabled still prints a summary:\n%s", disabled.stdout)
	}
	for _, mode := range []string{"legacy", "verbose"} {
		r := runScript(t, src, nil, "--summary-mode", mode)
		if r.code == ExitOK || !strings.Contains(r.stderr, "--summary-mode") || !strings.Contains(r.stderr, mode) {
			t.Errorf("--summary-mode %s: exit %d, stderr %q", mode, r.code, r.stderr)
		}
	}
}

// --out json as k6 writes it: a Point line's keys in the order metric, type, data, and a
// sample taken outside any group tagged group "" (the root group), inside one "::name".
func TestJSONOutputPointsLikeK6(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	src := `import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () { check(1, { 'at root': () => true }); group('g', () => { check(1, { 'in g': () => true }); }); }`
	r := runScript(t, src, nil, "--out", "json="+path)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.Contains(line, `"type":"Point"`) {
			continue
		}
		if !strings.HasPrefix(line, `{"metric":"`) || !strings.Contains(line, `","type":"Point","data":{"time":`) {
			t.Fatalf("Point line not in k6's key order: %s", line)
		}
		var p struct {
			Metric string
			Data   struct{ Tags map[string]string }
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		if p.Metric == "checks" {
			g, ok := p.Data.Tags["group"]
			if !ok {
				t.Fatalf("check sample without a group tag: %s", line)
			}
			groups[p.Data.Tags["check"]] = g
		}
	}
	if groups["at root"] != "" || groups["in g"] != "::g" || len(groups) != 2 {
		t.Fatalf("group tags of the checks: %q", groups)
	}
}

// The run's duration, and so every /s rate of the summary, is the test's running time: it
// leaves out the init code, including its second run that makes handleSummary's VU.
func TestSummaryDurationLeavesOutInit(t *testing.T) {
	src := `const t0 = Date.now(); while (Date.now() - t0 < 2000) {}
export const options = { iterations: 1 };
export default function () {}
export function handleSummary(d) {
  return { stdout: 'dur=' + d.state.testRunDurationMs + ' rate=' + d.metrics.iterations.values.rate + '\n' };
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var dur, rate float64
	if _, err := fmt.Sscanf(strings.TrimSpace(r.stdout), "dur=%g rate=%g", &dur, &rate); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	// Init alone takes 2 s (twice, with handleSummary's VU); the test, one empty iteration.
	if dur <= 0 || dur >= 1500 || rate <= 1/1.5 {
		t.Fatalf("testRunDurationMs=%v, iterations rate=%v/s: the init time is counted", dur, rate)
	}
}
