package locust_test

// Eight workers under one real Locust master, driven through its web UI's API as a user
// would drive it: three start/stop cycles, then a fourth run in which one worker is killed.
// Each worker names its query after itself (-e W=wN), so the master's row of every worker
// can be checked against that worker's own summary.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// eightWorkers is how many xk6-neo4j workers join the master.
const eightWorkers = 8

// eightScript writes a worker script with one query named after the worker (-e W=label)
// and a pause, so eight workers and a master share a loaded 2-core machine without
// saturating it: about 10 queries per second per user.
func eightScript(t *testing.T) string {
	t.Helper()
	src := `import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });
export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: __ENV.W + '-q' } });
  sleep(0.1);
}
`
	p := filepath.Join(t.TempDir(), "eight.js")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// workersIn counts the workers in state whose user count satisfies users.
func workersIn(s uiStats, state string, users func(int) bool) int {
	n := 0
	for _, w := range s.Workers {
		if w.State == state && users(w.UserCount) {
			n++
		}
	}
	return n
}

// rowsReported tells whether the master counts requests for every one of labels.
func rowsReported(s uiStats, labels []string) bool {
	c := entryCounts(s.Stats)
	for _, l := range labels {
		if c[queryKey{l + "-q", "read"}].requests == 0 {
			return false
		}
	}
	return true
}

// Eight workers, one master, the web UI's API: three clean start/stop cycles (every worker
// running its share of the users, no failures, no exceptions, every worker ready again
// after each stop, each test counting from zero, which the totals below show), then a run in which one worker is
// SIGKILLed: the master marks it missing within its heartbeat timeout and the worker count
// drops to 7 while the others go on. Over the four runs, the master's count for each
// surviving worker equals that worker's own summary exactly.
func TestLocustEightWorkers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	m := startMaster(t, e)
	script := eightScript(t)
	var workers []*proc
	var labels []string
	for i := 1; i <= eightWorkers; i++ {
		label := fmt.Sprintf("w%d", i)
		labels = append(labels, label)
		workers = append(workers, startWorker(t, e, m, "worker "+label, script, "-e", "W="+label))
	}
	ui := webUI{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", m.webPort)}
	ui.until("eight workers ready", 90*time.Second, func(s uiStats) bool {
		return s.WorkerCount == eightWorkers && workersIn(s, "ready", func(int) bool { return true }) == eightWorkers
	})

	const users = 2 * eightWorkers // two users per worker
	var runs []map[queryKey]counts
	for cycle := 1; cycle <= 3; cycle++ {
		ui.post("/swarm", url.Values{"user_count": {fmt.Sprint(users)}, "spawn_rate": {fmt.Sprint(users)}})
		ui.until(fmt.Sprintf("cycle %d: every worker running 2 users", cycle), 30*time.Second, func(s uiStats) bool {
			return s.State == "running" && s.UserCount == users && workersIn(s, "running", func(n int) bool { return n == 2 }) == eightWorkers
		})
		// Every worker's report reached the master at least once (reports go every 3 s).
		ui.until(fmt.Sprintf("cycle %d: a report from every worker", cycle), 30*time.Second, func(s uiStats) bool {
			return rowsReported(s, labels)
		})
		ui.post("/stop", nil)
		ui.until(fmt.Sprintf("cycle %d: stopped", cycle), 30*time.Second, func(s uiStats) bool { return s.State == "stopped" })
		s := ui.until(fmt.Sprintf("cycle %d: every worker ready again", cycle), 30*time.Second, func(s uiStats) bool {
			return workersIn(s, "ready", func(n int) bool { return n == 0 }) == eightWorkers
		})
		c := entryCounts(s.Stats)
		if len(c) != eightWorkers {
			t.Errorf("cycle %d: the master has %d rows, want one per worker: %v", cycle, len(c), c)
		}
		for k, v := range c {
			if v.failures != 0 {
				t.Errorf("cycle %d: %s %s failed %d times", cycle, k.method, k.name, v.failures)
			}
		}
		runs = append(runs, c)
	}
	if ex := ui.exceptions(); len(ex) != 0 {
		t.Errorf("the master's exceptions tab after three cycles: %v", ex)
	}

	// A fourth run: one worker killed mid-run.
	ui.post("/swarm", url.Values{"user_count": {fmt.Sprint(users)}, "spawn_rate": {fmt.Sprint(users)}})
	ui.until("run 4: every worker running", 30*time.Second, func(s uiStats) bool {
		return s.State == "running" && workersIn(s, "running", func(n int) bool { return n == 2 }) == eightWorkers
	})
	ui.until("run 4: a report from every worker", 30*time.Second, func(s uiStats) bool { return rowsReported(s, labels) })
	victim, survivors := workers[eightWorkers-1], workers[:eightWorkers-1]
	victim.signal(t, syscall.SIGKILL)
	killed := time.Now()
	s := ui.until("the worker count down to 7", 30*time.Second, func(s uiStats) bool { return s.WorkerCount == eightWorkers-1 })
	// Locust marks a worker missing once its liveness (3 heartbeats, 1 s apart) runs out:
	// about 4 s; the margin is for a loaded CI machine.
	if took := time.Since(killed); took > 12*time.Second {
		t.Errorf("the master noticed the dead worker after %s, want within its ~4s heartbeat timeout", took.Round(100*time.Millisecond))
	}
	if n := workersIn(s, "missing", func(int) bool { return true }); n != 1 {
		t.Errorf("workers %+v, want one missing", s.Workers)
	}
	before := s.total()
	ui.until("the other seven going on", 30*time.Second, func(s uiStats) bool {
		return s.State == "running" && workersIn(s, "running", func(n int) bool { return n > 0 }) == eightWorkers-1 && s.total() > before+50
	})
	ui.post("/stop", nil)
	// Locust 2.47's master calls a test stopped when every worker is ready, or when none is
	// ready, running or spawning: a missing worker among ready ones satisfies neither, so
	// the state stays "stopping" until the master drops the missing worker (60 missed
	// heartbeats later). With the victim missing, what marks the end is every user gone and
	// the seven survivors ready again.
	s = ui.until("run 4: the seven ready again, no user left", 30*time.Second, func(s uiStats) bool {
		return (s.State == "stopping" || s.State == "stopped") && s.UserCount == 0 &&
			workersIn(s, "ready", func(n int) bool { return n == 0 }) == eightWorkers-1
	})
	last := entryCounts(s.Stats)
	if last[queryKey{"w8-q", "read"}].requests == 0 {
		t.Errorf("nothing from the killed worker reached the master before it died: %v", last)
	}
	runs = append(runs, last)

	m.signal(t, syscall.SIGTERM)
	m.wait(t, 30*time.Second)
	for _, w := range survivors {
		if code := w.wait(t, 30*time.Second); code != 0 {
			t.Fatalf("%s exit %d", w.name, code)
		}
	}
	// Totals: per worker, the four runs at the master add up to that worker's summary.
	master := sumCounts(runs...)
	var all []map[queryKey]counts
	for i, w := range survivors {
		own := workerCounts(t, w)
		if len(own) != 1 {
			t.Errorf("%s summary rows %v, want its one query", w.name, own)
		}
		sameCounts(t, "master vs "+w.name+"'s summary", only(master, labels[i]+"-"), own)
		all = append(all, own)
	}
	var got, want int64
	for k, c := range master {
		if !strings.HasPrefix(k.name, labels[eightWorkers-1]+"-") {
			got += c.requests
		}
	}
	for _, c := range sumCounts(all...) {
		want += c.requests
	}
	if got != want || want == 0 {
		t.Errorf("the master counts %d requests from the seven survivors, their summaries %d", got, want)
	}
	t.Logf("%d requests from the seven surviving workers over four runs, equal at the master and in their summaries", want)
}

// exceptions returns the messages in the master's exceptions tab.
func (u webUI) exceptions() []string {
	u.t.Helper()
	var body struct {
		Exceptions []struct {
			Msg   string `json:"msg"`
			Nodes string `json:"nodes"`
		} `json:"exceptions"`
	}
	resp, err := http.Get(u.base + "/exceptions")
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		u.t.Fatalf("GET /exceptions: %s %s", resp.Status, b)
	}
	if err := json.Unmarshal(b, &body); err != nil {
		u.t.Fatalf("GET /exceptions: %v: %s", err, b)
	}
	var out []string
	for _, e := range body.Exceptions {
		out = append(out, e.Msg+" (from "+e.Nodes+")")
	}
	return out
}
