package cmd

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// serverMetricNames are the neo4j_server_* metrics a Community server gives.
var serverMetricNames = []string{"neo4j_server_cpu", "neo4j_server_heap_used_bytes", "neo4j_server_heap_max_bytes",
	"neo4j_server_gc_seconds", "neo4j_server_gc_count", "neo4j_server_threads",
	"neo4j_server_transactions_running", "neo4j_server_transaction_longest"}

type jsonPoint struct {
	time  time.Time
	value float64
	tags  map[string]string
}

// A script that writes for 20 s with serverMetrics: '1s' (after 3 s of idling) gives
// neo4j_server_* series in json, csv and Prometheus alike: the server's CPU clearly above
// its idle reading while the load runs, never more transactions running than VUs, GC
// counters that never go back.
func TestServerMetricsReachEveryOutput(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	prom := testenv.StartPrometheus(t)
	dir := t.TempDir()
	jsonPath, csvPath := filepath.Join(dir, "out.json"), filepath.Join(dir, "out.csv")
	testid := fmt.Sprintf("servermetrics-%d", time.Now().UnixNano())
	label := "ServerMetrics" + fmt.Sprint(time.Now().UnixNano())
	const vus = 5 // 1 idling, then 4 writing
	src := `
import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
export const options = {
  scenarios: {
    idle: { executor: 'constant-vus', vus: 1, duration: '3s', exec: 'idle' },
    load: { executor: 'constant-vus', vus: 4, duration: '20s', startTime: '3s', exec: 'load' },
  },
};
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD, serverMetrics: '1s' });
export function idle() { sleep(1); }
const metadata = { xk6test: '` + label + `' };
export function load() { db.write('UNWIND range(1, 20) AS i CREATE (:` + label + ` {i: i})', {}, { tags: { name: 'load' }, metadata }); }
export function teardown() { db.run('MATCH (n:` + label + `) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS', {}, { metadata }); }`
	env := neo4jEnv(srv)
	env["K6_PROMETHEUS_RW_SERVER_URL"] = prom + "/api/v1/write"
	env["K6_PROMETHEUS_RW_PUSH_INTERVAL"] = "1s"
	foreign := testenv.WatchForeignTransactions(t, srv, label)
	r := runScript(t, src, env, "--out", "json="+jsonPath, "--out", "csv="+csvPath,
		"--out", "experimental-prometheus-rw", "--tag", "testid="+testid)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, srv.Password) {
		t.Fatal("the password is in the output")
	}
	identity := "neo4j@" + srv.HostPort

	// JSON: every server metric described and read about once a second, with the run's tag.
	points := map[string][]jsonPoint{}
	types := map[string]string{}
	var firstLoad, lastLoad time.Time
	sc := bufio.NewScanner(bytes.NewReader(outputtest.ReadFile(t, jsonPath)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Type, Metric string
			Data         struct {
				Type, Contains string
				Time           time.Time
				Value          float64
				Tags           map[string]string
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		switch {
		case line.Type == "Metric":
			types[line.Metric] = line.Data.Type + "/" + line.Data.Contains
		case line.Metric == "neo4j_queries" && line.Data.Tags["name"] == "load":
			if firstLoad.IsZero() || line.Data.Time.Before(firstLoad) {
				firstLoad = line.Data.Time
			}
			if line.Data.Time.After(lastLoad) {
				lastLoad = line.Data.Time
			}
		case strings.HasPrefix(line.Metric, "neo4j_server_") && line.Metric != "neo4j_server_duration":
			points[line.Metric] = append(points[line.Metric], jsonPoint{line.Data.Time, line.Data.Value, line.Data.Tags})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if firstLoad.IsZero() {
		t.Fatal("no write of the load in the json output")
	}
	for _, name := range serverMetricNames {
		ps := points[name]
		if len(ps) < 15 { // 23 s at one a second, with room for readings that missed their timeout
			t.Fatalf("%s: %d points in the json output, want at least 15", name, len(ps))
		}
		for _, p := range ps {
			if p.tags["identity"] != identity || p.tags["db"] != "neo4j" || p.tags["testid"] != testid {
				t.Fatalf("%s tags %v, want identity, db and the run's testid", name, p.tags)
			}
		}
	}
	for name, want := range map[string]string{"neo4j_server_cpu": "gauge/default", "neo4j_server_heap_used_bytes": "gauge/data",
		"neo4j_server_gc_count": "counter/default", "neo4j_server_transaction_longest": "gauge/time"} {
		if types[name] != want {
			t.Errorf("%s is described as %q, want %q", name, types[name], want)
		}
	}
	idleMin, loadMax := 2.0, -1.0
	for _, p := range points["neo4j_server_cpu"] {
		switch {
		case p.time.Before(firstLoad):
			idleMin = min(idleMin, p.value)
		case p.time.After(firstLoad.Add(time.Second)) && p.time.Before(lastLoad):
			loadMax = max(loadMax, p.value)
		}
	}
	t.Logf("server CPU: idle min %.3f, max under load %.3f", idleMin, loadMax)
	if loadMax < idleMin+0.05 {
		t.Errorf("server CPU under load (max %.3f) is not clearly above idle (min %.3f)", loadMax, idleMin)
	}
	// Another test's load on the same server (go test runs packages in parallel) counts in
	// the server's running transactions: the bound is the VUs plus the most of those seen.
	others := foreign()
	if others > 0 {
		t.Logf("up to %d transactions of other tests ran meanwhile: the bound is %d", others, vus+others)
	}
	for _, p := range points["neo4j_server_transactions_running"] {
		if p.value > float64(vus+others) {
			t.Errorf("%v transactions running at %s, more than the run's %d VUs (+%d of other tests)", p.value, p.time.Format(time.TimeOnly), vus, others)
		}
	}
	for _, name := range []string{"neo4j_server_gc_count", "neo4j_server_gc_seconds"} {
		for _, p := range points[name] {
			if p.value < 0 {
				t.Errorf("%s went back by %v: a counter never does", name, -p.value)
			}
		}
	}

	// CSV: the same points.
	rows, err := csv.NewReader(bytes.NewReader(outputtest.ReadFile(t, csvPath))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	extra := -1
	for i, col := range rows[0] {
		if col == "extra_tags" {
			extra = i
		}
	}
	perMetric := map[string]int{}
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[0], "neo4j_server_") {
			perMetric[row[0]]++
			if extra >= 0 && !strings.Contains(row[extra], "identity="+identity) {
				t.Fatalf("csv row without the identity tag: %v", row)
			}
		}
	}
	for _, name := range serverMetricNames {
		if perMetric[name] != len(points[name]) {
			t.Errorf("%s: %d csv rows, %d json points", name, perMetric[name], len(points[name]))
		}
	}

	// Prometheus: one series per metric with the run's tag, counters that never reset.
	now := time.Now()
	sel := `{testid="` + testid + `", identity="` + identity + `", db="neo4j"}`
	for _, name := range []string{"k6_neo4j_server_cpu", "k6_neo4j_server_heap_used_bytes", "k6_neo4j_server_heap_max_bytes",
		"k6_neo4j_server_gc_seconds_total", "k6_neo4j_server_gc_count_total", "k6_neo4j_server_threads",
		"k6_neo4j_server_transactions_running", "k6_neo4j_server_transaction_longest"} {
		if got := testenv.PromQuery(t, prom, "count_over_time("+name+sel+"[5m])", now); len(got) != 1 || got[0].Float(t) < 10 {
			t.Errorf("%s: %v, want one series of at least 10 points", name, got)
		}
	}
	if got := testenv.PromQuery(t, prom, "max_over_time(k6_neo4j_server_transactions_running"+sel+"[5m])", now); len(got) != 1 || (others == 0 && got[0].Float(t) > vus) {
		t.Errorf("running transactions in Prometheus: %v, want at most %d", got, vus)
	}
	if got := testenv.PromQuery(t, prom, "resets(k6_neo4j_server_gc_count_total"+sel+"[5m])", now); len(got) != 1 || got[0].Float(t) != 0 {
		t.Errorf("GC count resets in Prometheus: %v, want 0", got)
	}
	if got := testenv.PromQuery(t, prom, "max_over_time(k6_neo4j_server_cpu"+sel+"[5m])", now); len(got) != 1 || got[0].Float(t) < idleMin+0.05 {
		t.Errorf("max server CPU in Prometheus: %v, want above the idle %.3f", got, idleMin)
	}
}
