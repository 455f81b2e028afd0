package examples_test

import (
	"regexp"
	"strings"
	"testing"
)

// server-metrics.js writes for 15 s with serverMetrics: '1s': the summary lists the server's
// readings and the thresholds on them pass.
func TestExamplesServerMetrics(t *testing.T) {
	srv := requireServer(t)
	r := runExample(t, srv, "server-metrics.js")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, metric := range []string{"neo4j_server_cpu", "neo4j_server_heap_used_bytes", "neo4j_server_heap_max_bytes",
		"neo4j_server_gc_count", "neo4j_server_threads", "neo4j_server_transactions_running"} {
		if !regexp.MustCompile(`(?m)^\s+` + metric + `\.+: `).MatchString(r.stdout) {
			t.Errorf("the summary lacks %s", metric)
		}
	}
	for _, threshold := range []string{"neo4j_server_gc_seconds\n    ✓ 'count<10'", "neo4j_server_transaction_longest\n    ✓ 'value<5000'"} {
		if !strings.Contains(r.stdout, threshold) {
			t.Errorf("the summary lacks the passed threshold %q", threshold)
		}
	}
	if strings.Contains(r.stderr, "level=WARN") || strings.Contains(r.stderr, "not available") {
		t.Errorf("the sampler warned:\n%s", r.stderr)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}
