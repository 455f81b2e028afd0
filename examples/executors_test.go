package examples_test

import (
	"regexp"
	"strconv"
	"testing"
)

// gaugeMax reads a gauge's max from the summary ("vus....: 3  min=0 max=6").
func gaugeMax(t *testing.T, out, metric string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(metric) + `\.+: \S+\s+min=\S+ max=(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in the summary:\n%s", metric, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Every executor's example runs end to end against the real server; the counts must match
// what its configuration promises, within the tolerance each case states.
func TestExamplesExecutors(t *testing.T) {
	srv := requireServer(t)
	cases := []struct {
		script   string
		min, max int // iterations
		peakVUs  int // 0: not checked
	}{
		{"executors/shared-iterations.js", 200, 200, 5},
		{"executors/per-vu-iterations.js", 100, 100, 4},
		// 3 VUs x 5 s / (0.1 s sleep + a query): at most 150.
		{"executors/constant-vus.js", 90, 150, 3},
		// VU-seconds: 6 (ramp up) + 12 (hold) + 6 (ramp down) = 24, at 0.1 s+ per iteration.
		{"executors/ramping-vus.js", 130, 245, 6},
		// 200/s for 10 s = 2000: up to 5% dropped on a loaded machine (its threshold), none extra.
		{"executors/constant-arrival-rate.js", 1900, 2040, 0},
		// 150 + 300 + 100 = 550, within 3%.
		{"executors/ramping-arrival-rate.js", 533, 567, 0},
		// 2 VUs x 4 s / 0.1 s+: at most 80.
		{"executors/externally-controlled.js", 50, 80, 10}, // vus_max is maxVUs
	}
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			r := runExample(t, srv, c.script)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			n := count(t, r.stdout, "iterations")
			if n < c.min || n > c.max {
				t.Fatalf("iterations %d, want %d to %d\n%s", n, c.min, c.max, r.stdout)
			}
			// One query per iteration; an iteration interrupted at the end (externally-
			// controlled has no graceful stop) may have run its query and is not counted.
			if q := count(t, r.stdout, "neo4j_queries"); q < n || q > n+c.peakVUs {
				t.Fatalf("neo4j_queries %d, want one per iteration (%d)", q, n)
			}
			if c.peakVUs > 0 {
				if v := gaugeMax(t, r.stdout, "vus_max"); v != c.peakVUs {
					t.Fatalf("vus_max %d, want %d", v, c.peakVUs)
				}
			}
		})
	}
}

func TestExamplesScenarios(t *testing.T) {
	srv := requireServer(t)
	r := runExample(t, srv, "executors/scenarios.js")
	allChecksPass(t, r)
	for _, want := range []string{"create", "count", "cleanup", "neo4j_query_duration{role:writer}"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(r.stdout) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^\s+create\s+write\s+40\s`).MatchString(r.stdout) {
		t.Fatalf("want 40 creates in the per-query table:\n%s", r.stdout)
	}
	// Three scenarios, but the cleanup one reuses a VU the writers freed: 2 + 2 + 1 would
	// be 5; at most 4 run at once.
	if v := gaugeMax(t, r.stdout, "vus_max"); v != 4 {
		t.Fatalf("vus_max %d, want 4 (VUs reused across scenarios)", v)
	}
}
