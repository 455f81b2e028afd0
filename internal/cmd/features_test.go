package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestThresholds(t *testing.T) {
	cases := []struct {
		name   string
		opts   string
		code   int
		stdout []string
		stderr []string
	}{
		{"passing", `{ iterations: 10, thresholds: { iterations: ['count==10'], checks: ['rate==0.75'] } }`, ExitOK,
			[]string{"✓ 'count==10' count=10", "✓ 'rate==0.75' rate=75.00%"}, nil},
		{"failing exits 99", `{ iterations: 10, thresholds: { iterations: ['count>10'] } }`, ExitThresholds,
			[]string{"✗ 'count>10' count=10"}, nil},
		{"submetric", `{ iterations: 10, thresholds: { 'checks{check:even}': ['rate==0.5'] } }`, ExitOK,
			[]string{"checks{check:even}", "✓ 'rate==0.5' rate=50.00%"}, nil},
		{"bad expression", `{ thresholds: { iterations: ['count >>> 3'] } }`, ExitInvalidConfig, nil,
			[]string{"iterations", "count >>> 3"}},
		{"unknown metric", `{ thresholds: { no_such_metric: ['count>1'] } }`, ExitInvalidConfig, nil,
			[]string{"no_such_metric"}},
		{"aggregation the type lacks", `{ thresholds: { iterations: ['p(95)<1'] } }`, ExitInvalidConfig, nil,
			[]string{"iterations", "p(95)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := `import { check } from 'k6';
export const options = ` + c.opts + `;
export default function () { check(__ITER, { even: (i) => i % 2 === 0, always: () => true }); }`
			r := runScript(t, src, nil)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", r.code, c.code, r.stdout, r.stderr)
			}
			for _, s := range c.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

func TestAbortOnFailStopsTheRunEarly(t *testing.T) {
	src := `import { sleep } from 'k6';
export const options = { vus: 2, duration: '30s',
  thresholds: { iteration_failed: [{ threshold: 'rate==0', abortOnFail: true, delayAbortEval: '1s' }] } };
export default function () { sleep(0.05); if (__ITER === 3) throw new Error('bad'); }
export function teardown() { console.log('teardown after abort'); }`
	start := time.Now()
	r := runScript(t, src, nil)
	if r.code != ExitThresholds {
		t.Fatalf("exit %d, want 99\n%s", r.code, r.stderr)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("ran %s: abortOnFail should stop it within a few seconds", el)
	}
	if !strings.Contains(r.stderr, "abortOnFail") || !strings.Contains(r.stderr, "teardown after abort") {
		t.Fatalf("stderr should report the abort and teardown should run:\n%s", r.stderr)
	}
}

func TestCustomMetricsSharedArrayGroupsOpenAndTypeScript(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("users.json", `[{"name":"ada"},{"name":"bob"},{"name":"cy"}]`)
	write("lib.ts", `export function double(n: number): number { return n * 2; }`)
	write("script.ts", `
import { check, group } from 'k6';
import { Counter, Trend, Rate, Gauge } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import { double } from './lib.ts';
const users = new SharedArray('users', () => JSON.parse(open('./users.json')));
const doubled = new Counter('doubled');
const lat = new Trend('my_latency', true);
const ok = new Rate('my_ok');
const level = new Gauge('my_level');
export const options = { vus: 3, iterations: 30, thresholds: { doubled: ['count==60'], 'my_latency{kind:a}': ['max<=50'] } };
export default function (): void {
  group('lookups', () => {
    const u = users[__ITER % users.length];
    check(u, { 'user has a name': (x: any) => typeof x.name === 'string' });
  });
  doubled.add(double(1));
  lat.add(__ITER % 2 === 0 ? 10 : 50, { kind: 'a' });
  ok.add(__ITER % 3 !== 0);
  level.add(__VU);
}`)
	r := runArgs(t, nil, "run", "--quiet", filepath.Join(dir, "script.ts"))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"✓ 'count==60' count=60", "my_latency{kind:a}", "█ lookups", "✓ user has a name",
		"doubled.", "my_latency.", "my_ok.", "my_level.", "group_duration",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(r.stdout)
	}
}

func TestHandleSummaryTextSummaryAndSummaryExport(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "summary.json")
	exportPath := filepath.Join(dir, "export.json")
	src := `import { check } from 'k6';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
export const options = { iterations: 4, thresholds: { checks: ['rate>0.9'] } };
export function setup() { return { token: 't' }; }
export default function () { check(1, { 'is one': (x) => x === 1 }); }
export function handleSummary(data) {
  return { stdout: 'CUSTOM\n' + textSummary(data, { indent: '  ' }), '` + jsonPath + `': JSON.stringify(data) };
}`
	r := runScript(t, src, nil, "--summary-export", exportPath)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "CUSTOM\n") || !strings.Contains(r.stdout, "✓ is one") || strings.Count(r.stdout, "TOTAL RESULTS") != 1 {
		t.Fatalf("stdout should be handleSummary's, with textSummary, and no default summary:\n%s", r.stdout)
	}
	var data struct {
		RootGroup struct {
			Checks []struct {
				Name          string
				Passes, Fails int
			}
		} `json:"root_group"`
		Metrics map[string]struct {
			Type       string
			Contains   string
			Values     map[string]float64
			Thresholds map[string]struct{ OK bool }
		}
		SetupData map[string]string `json:"setup_data"`
		State     struct{ TestRunDurationMs float64 }
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	it := data.Metrics["iterations"]
	if it.Type != "counter" || it.Values["count"] != 4 || data.Metrics["iteration_duration"].Contains != "time" {
		t.Fatalf("metrics in handleSummary's data: %+v", data.Metrics)
	}
	if !data.Metrics["checks"].Thresholds["rate>0.9"].OK || data.SetupData["token"] != "t" || data.State.TestRunDurationMs <= 0 {
		t.Fatalf("thresholds, setup_data or state wrong: %s", b)
	}
	if len(data.RootGroup.Checks) != 1 || data.RootGroup.Checks[0].Passes != 4 {
		t.Fatalf("root_group checks: %+v", data.RootGroup)
	}
	var export struct {
		Metrics map[string]map[string]any
	}
	b, err = os.ReadFile(exportPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &export); err != nil {
		t.Fatal(err)
	}
	checks := export.Metrics["checks"]
	if checks["passes"] != 4.0 || checks["value"] != 1.0 || export.Metrics["iterations"]["count"] != 4.0 {
		t.Fatalf("summary export: %s", b)
	}
	if th, _ := checks["thresholds"].(map[string]any); th["rate>0.9"] != false {
		t.Fatalf("summary export thresholds (true = failed): %v", checks["thresholds"])
	}
}

func TestHandleSummaryThatThrowsFallsBackToTheDefaultSummary(t *testing.T) {
	src := `export default function () {}
export function handleSummary() { throw new Error('broken summary'); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK || !strings.Contains(r.stdout, "TOTAL RESULTS") || !strings.Contains(r.stderr, "broken summary") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestRandomSeedAndRequire(t *testing.T) {
	src := `const k6 = require('k6');
k6.randomSeed(42);
const first = [Math.random(), Math.random()];
k6.randomSeed(42);
const again = [Math.random(), Math.random()];
export default function () {
  k6.check(null, {
    'randomSeed repeats the sequence': () => first[0] === again[0] && first[1] === again[1],
    'require serves the k6 module': () => typeof k6.sleep === 'function',
  });
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK || !strings.Contains(r.stdout, "0.00% 0 out of 2") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
