package dashboard

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// nums renders a series as the page receives it, nulls included, for readable comparisons.
func nums(ns Nums) string {
	b, _ := ns.MarshalJSON()
	return string(b)
}

// A gauge shows the largest reading of each bucket, null where no reading came; GC is the
// seconds of the readings in the bucket over the wall time they cover, in ms per second.
func TestServerPanelGaugesPerBucketAndGCRate(t *testing.T) {
	m := newServerMetrics(t)
	a := newAggregator(time.Second, 600, 20)
	id := "neo4j@127.0.0.1:7687"
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	tags := serverTags(id)
	read := func(ms int, metric *metrics.Metric, v float64) {
		a.add(&metrics.Sample{Metric: metric, Tags: tags, Time: at(ms), Value: v})
	}
	// Second 0: two readings (the first one's GC is 0 and has no interval), second 1: none
	// (no bucket), seconds 2 and 3: one each.
	read(100, m.cpu, 0.2)
	read(100, m.gc, 0)
	read(100, m.heapUsed, 5e8)
	read(100, m.tx, 3)
	read(600, m.cpu, 0.5)
	read(600, m.gc, 0.05) // 50 ms of GC over 0.5 s
	read(600, m.heapUsed, 4e8)
	read(600, m.tx, 1)
	read(2100, m.cpu, 0.25)
	read(2100, m.gc, 0.015) // 15 ms over 1.5 s
	read(3100, m.cpu, 0.3)
	read(3100, m.gc, 0) // no GC over 1 s
	read(3100, m.threads, 90)

	s := a.snapshot()
	if len(s.Servers) != 1 {
		t.Fatalf("%d server series, want 1", len(s.Servers))
	}
	ss := s.Servers[0]
	want := map[string][2]string{
		"cpu":          {nums(ss.CPU), "[0.5,0.25,0.3]"},
		"heapUsed":     {nums(ss.HeapUsed), "[500000000,null,null]"},
		"transactions": {nums(ss.Transactions), "[3,null,null]"},
		"gc":           {nums(ss.GC), "[100,10,0]"},
	}
	for k, w := range want {
		if w[0] != w[1] {
			t.Errorf("%s = %s, want %s", k, w[0], w[1])
		}
	}
	if ss.Identity != id || ss.HeapMax != nil {
		t.Errorf("identity %q, heapMax %v: want %q and no heap max (none was read)", ss.Identity, ss.HeapMax, id)
	}
	// The server readings share the client's time axis: bucket times are the same.
	if got := s.Buckets.T; len(got) != 3 || got[0] != 0 || got[1] != 2000 || got[2] != 3000 {
		t.Errorf("bucket times %v, want [0 2000 3000]", got)
	}
}

// Downsampling keeps the peaks of gauges and the GC rate: merged buckets add GC seconds
// and the time they cover.
func TestServerPanelSurvivesDownsampling(t *testing.T) {
	m := newServerMetrics(t)
	a := newAggregator(time.Second, 64, 20)
	id := "neo4j@127.0.0.1:7687"
	for s := range 400 {
		r := serverReading{cpu: 0.1, heapUsed: 1e8, heapMax: 2e9, tx: 2, gcSeconds: 0.002} // 2 ms/s
		if s == 0 {
			r.gcSeconds = 0
		}
		if s == 50 {
			r.cpu, r.tx = 0.95, 40
		}
		addAll(a, m.samples(base.Add(time.Duration(s)*time.Second), id, r))
	}
	s := a.snapshot()
	if n := len(s.Buckets.T); n > 64 {
		t.Fatalf("%d buckets, want at most 64", n)
	}
	ss := s.Servers[0]
	maxCPU, maxTx := 0.0, 0.0
	for i := range ss.CPU {
		maxCPU, maxTx = math.Max(maxCPU, ss.CPU[i]), math.Max(maxTx, ss.Transactions[i])
		if i > 0 && math.Abs(ss.GC[i]-2) > 1e-9 {
			t.Errorf("bucket %d (%d ms long): GC %v ms/s, want 2", i, s.Buckets.D[i], ss.GC[i])
		}
		if ss.HeapMax[i] != 2e9 {
			t.Errorf("bucket %d: heap max %v, want 2e9", i, ss.HeapMax[i])
		}
	}
	if maxCPU != 0.95 || maxTx != 40 {
		t.Errorf("peaks after merging: cpu %v, transactions %v; want 0.95 and 40", maxCPU, maxTx)
	}
}

// Past maxServers identities, the others are one "(other)" series (their peaks), and the
// output warns once.
func TestServerPanelCapsIdentities(t *testing.T) {
	m := newServerMetrics(t)
	a := newAggregator(time.Second, 600, 20)
	var warned []string
	a.onCap = func(what string, limit int) { warned = append(warned, what+" "+strconv.Itoa(limit)) }
	for i := range 7 {
		for s := range 3 {
			addAll(a, m.samples(base.Add(time.Duration(s)*time.Second), "user@host"+strconv.Itoa(i)+":7687",
				serverReading{cpu: float64(i) / 10, heapUsed: 1e8, tx: float64(i), gcSeconds: 0.001}))
		}
	}
	s := a.snapshot()
	if len(s.Servers) != maxServers+1 {
		t.Fatalf("%d server series, want %d and %q", len(s.Servers), maxServers, other)
	}
	last := s.Servers[maxServers]
	if last.Identity != other || last.CPU[0] != 0.6 || last.Transactions[2] != 6 {
		t.Errorf("last series %q cpu %v transactions %v, want %q with the peak of hosts 4-6 (0.6, 6)",
			last.Identity, nums(last.CPU), nums(last.Transactions), other)
	}
	// Three identities' readings at 1 ms each per second: still 1 ms/s, not 3.
	if nums(last.GC) != "[null,1,1]" {
		t.Errorf("(other) GC %s, want [null,1,1]", nums(last.GC))
	}
	if strings.Join(warned, ",") != "server identities 4" {
		t.Errorf("warnings %q, want one for server identities", warned)
	}
}

// A run without server readings has no Server panel: the snapshot has no servers field, and
// the page hides the panel (see TestBrowserReport).
func TestServerPanelAbsentWithoutReadings(t *testing.T) {
	r := newRun(t)
	o, err := NewOutput(NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range r.loadRun(5) {
		o.AddSamples(b)
	}
	s := o.Snapshot()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if s.Servers != nil || strings.Contains(string(b), `"servers"`) || strings.Contains(string(b), `"neo4j"`) {
		t.Errorf("a run without server readings nor run info has %d server series; JSON mentions servers or neo4j: %.200s",
			len(s.Servers), b)
	}
}
