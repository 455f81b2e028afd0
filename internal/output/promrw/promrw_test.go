package promrw

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// receiver is a remote-write endpoint for the tests that are about this output's side of the
// protocol (headers, failures, timing); what a real receiver makes of the data is
// prometheus_test.go's business. It decodes every request and keeps it.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
	// status, when set, answers a non-empty request (Start's empty one always gets 204).
	status func(n int) int
	// delay, when set, holds a non-empty request that long (or until the test ends).
	delay time.Duration
	stop  chan struct{}
}

type received struct {
	header http.Header
	series []timeSeries
}

func newReceiver(t *testing.T, setup func(r *receiver)) *receiver {
	t.Helper()
	r := &receiver{stop: make(chan struct{})}
	if setup != nil {
		setup(r)
	}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		close(r.stop)
		r.Close()
	})
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	raw, err := snappyDecode(body)
	if err != nil {
		http.Error(w, "snappy: "+err.Error(), http.StatusBadRequest)
		return
	}
	series, err := decodeWriteRequest(raw)
	if err != nil {
		http.Error(w, "protobuf: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.requests = append(r.requests, received{header: req.Header.Clone(), series: series})
	n := len(r.requests)
	r.mu.Unlock()
	if len(series) > 0 && r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-r.stop:
		case <-req.Context().Done():
		}
	}
	if len(series) > 0 && r.status != nil {
		if st := r.status(n); st != 0 {
			http.Error(w, "told to fail", st)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// latest returns, per series (its labels as text), the last sample received.
func (r *receiver) latest() map[string]sample {
	out := map[string]sample{}
	for _, req := range r.all() {
		for _, ts := range req.series {
			out[labelsText(ts.labels)] = ts.samples[len(ts.samples)-1]
		}
	}
	return out
}

func labelsText(ls []label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.name + "=" + l.value
	}
	return strings.Join(parts, ",")
}

func testLogger() (*slog.Logger, *testenv.SyncBuffer) {
	var buf testenv.SyncBuffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// open makes an output for url with the given extra settings; tune adjusts it before Start.
func open(t *testing.T, url string, env map[string]string, logger *slog.Logger) *Output {
	t.Helper()
	e := map[string]string{envServerURL: url, envPushInterval: "20ms"}
	for k, v := range env {
		e[k] = v
	}
	o, err := newOutput(output.Params{Env: e, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustStart(t *testing.T, o *Output) {
	t.Helper()
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
}

// testMetrics are one metric of each type; the trend and the gauge hold times.
type testMetrics struct{ dur, queries, failed, vus, wait *metrics.Metric }

func newTestMetrics(t testing.TB) testMetrics {
	ms := outputtest.Metrics(t) // duration (trend, time), queries (counter), failed (rate), vus (gauge)
	return testMetrics{dur: ms[0], queries: ms[1], failed: ms[2], vus: ms[3],
		wait: &metrics.Metric{Name: "lock_wait", Type: metrics.Gauge, Contains: metrics.Time}}
}

func TestPushesEveryType(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, map[string]string{envTrendStats: "p(99),avg,min,max,med,count,sum,p(50)", envLabels: "testid=t1"}, nil)
	mustStart(t, o)
	m := newTestMetrics(t)
	read := metrics.NewTagSet(map[string]string{"mode": "read", "name": "q1"})
	write := metrics.NewTagSet(map[string]string{"mode": "write", "name": "q2", "testid": "tag-wins"})
	now := time.Now()
	at := func(v float64, met *metrics.Metric, tags *metrics.TagSet) metrics.Sample {
		return metrics.Sample{Metric: met, Tags: tags, Time: now, Value: v}
	}
	// Two rounds with a push in between: the values must be cumulative across pushes.
	for round := range 2 {
		var batch metrics.Samples
		for i := 1; i <= 100; i++ {
			batch = append(batch, at(float64(round*100+i), m.dur, read)) // 1..200 ms
		}
		batch = append(batch,
			at(3, m.queries, read), at(4, m.queries, read), at(10, m.queries, write),
			at(1, m.failed, read), at(0, m.failed, read), at(0, m.failed, read), at(0, m.failed, read),
			at(float64(5+round), m.vus, nil), at(float64(7-round), m.vus, nil),
			at(250, m.wait, nil),
			at(math.NaN(), m.queries, read), // skipped
		)
		o.AddSamples([]metrics.SampleContainer{batch})
		if round == 0 {
			waitFor(t, func() bool { return len(r.latest()) > 0 })
		}
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	got := r.latest()
	want := map[string]float64{
		"__name__=k6_neo4j_query_duration_p99,mode=read,name=q1,testid=t1":   0.19801, // of 1..200 ms, in seconds
		"__name__=k6_neo4j_query_duration_avg,mode=read,name=q1,testid=t1":   0.1005,
		"__name__=k6_neo4j_query_duration_min,mode=read,name=q1,testid=t1":   0.001,
		"__name__=k6_neo4j_query_duration_max,mode=read,name=q1,testid=t1":   0.2,
		"__name__=k6_neo4j_query_duration_med,mode=read,name=q1,testid=t1":   0.1005,
		"__name__=k6_neo4j_query_duration_p50,mode=read,name=q1,testid=t1":   0.1005,
		"__name__=k6_neo4j_query_duration_count,mode=read,name=q1,testid=t1": 200, // not scaled
		"__name__=k6_neo4j_query_duration_sum,mode=read,name=q1,testid=t1":   20.1,
		"__name__=k6_neo4j_queries_total,mode=read,name=q1,testid=t1":        14,
		"__name__=k6_neo4j_queries_total,mode=write,name=q2,testid=tag-wins": 20,
		"__name__=k6_neo4j_query_failed_rate,mode=read,name=q1,testid=t1":    0.25,
		"__name__=k6_vus,testid=t1":                                          6, // the last value of the last round
		"__name__=k6_lock_wait,testid=t1":                                    0.25,
	}
	for k, w := range want {
		s, ok := got[k]
		if !ok {
			t.Errorf("missing series %s", k)
			continue
		}
		if math.Abs(s.value-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %v, want %v", k, s.value, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected series %s", k)
		}
	}
	// Each push carries one timestamp, later than the previous push's.
	var last int64
	for _, req := range r.all() {
		if len(req.series) == 0 {
			continue
		}
		ms := req.series[0].samples[0].ms
		for _, ts := range req.series {
			if ts.samples[0].ms != ms {
				t.Fatalf("one push, several timestamps: %d and %d", ms, ts.samples[0].ms)
			}
		}
		if ms <= last {
			t.Fatalf("push at %d after one at %d", ms, last)
		}
		last = ms
	}
}

func TestProtocolHeadersAndBasicAuth(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, map[string]string{
		envUsername: "k6user", envPassword: "pa55:word",
		envHeaderPrefix + "X-Scope-OrgID": "tenant-1",
		envHTTPHeaders:                    "X-A:1",
	}, nil)
	mustStart(t, o)
	m := newTestMetrics(t)
	o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 1, Time: time.Now()}})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	reqs := r.all()
	if len(reqs) < 2 {
		t.Fatalf("want Start's request and a push, got %d requests", len(reqs))
	}
	for i, req := range reqs {
		h := req.header
		for k, want := range map[string]string{
			"Content-Encoding":                  "snappy",
			"Content-Type":                      "application/x-protobuf",
			"X-Prometheus-Remote-Write-Version": "0.1.0",
			"User-Agent":                        userAgent,
			"X-Scope-Orgid":                     "tenant-1",
			"X-A":                               "1",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("request %d: %s = %q, want %q", i, k, got, want)
			}
		}
		hr := http.Request{Header: h}
		if u, p, ok := hr.BasicAuth(); !ok || u != "k6user" || p != "pa55:word" {
			t.Errorf("request %d: basic auth %q %q %v", i, u, p, ok)
		}
	}
	if len(reqs[0].series) != 0 {
		t.Errorf("Start's request should be empty, has %d series", len(reqs[0].series))
	}
}

func TestBearerToken(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, map[string]string{envBearerToken: "tok123"}, nil)
	mustStart(t, o)
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := r.all()[0].header.Get("Authorization"); got != "Bearer tok123" {
		t.Fatalf("Authorization %q", got)
	}
}

// closedURL is an http URL on which nothing listens.
func closedURL(t *testing.T, userinfo string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + userinfo + addr + "/api/v1/write"
}

func TestStartUnreachable(t *testing.T) {
	url := closedURL(t, "")
	logger, logs := testLogger()
	o := open(t, url, map[string]string{envUsername: "u", envPassword: "hunter2-secret"}, logger)
	err := o.Start()
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("error %q does not name %s", err, url)
	}
	if strings.Contains(err.Error()+logs.String(), "hunter2") {
		t.Errorf("password shown: %v / %s", err, logs)
	}
	if err := o.Stop(); err != nil { // after a failed Start, Stop is a no-op
		t.Fatal(err)
	}
}

func TestStartUnreachableHidesURLPassword(t *testing.T) {
	url := closedURL(t, "user:hunter2-secret@")
	o := open(t, url, nil, nil)
	err := o.Start()
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(o.Description(), "hunter2") {
		t.Fatalf("password shown: %v / %s", err, o.Description())
	}
	if !strings.Contains(err.Error(), "user:xxxxx@") {
		t.Errorf("error %q does not name the endpoint", err)
	}
}

func TestStartRejected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			t.Error("no basic auth sent")
		}
		http.Error(w, "invalid credentials", http.StatusUnauthorized)
	}))
	defer srv.Close()
	logger, logs := testLogger()
	o := open(t, srv.URL+"/api/v1/write", map[string]string{envUsername: "u", envPassword: "hunter2-secret"}, logger)
	err := o.Start()
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("want ErrRejected, got %v", err)
	}
	for _, want := range []string{srv.URL + "/api/v1/write", "401", "invalid credentials"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error()+logs.String(), "hunter2") {
		t.Errorf("password shown: %v / %s", err, logs)
	}
}

// TestFailedPushesCountedPasswordHidden: the endpoint takes Start's check, then refuses every
// push; the failures are logged once, counted at Stop, and nothing shows the password.
func TestFailedPushesCountedPasswordHidden(t *testing.T) {
	r := newReceiver(t, func(r *receiver) { r.status = func(int) int { return http.StatusForbidden } })
	logger, logs := testLogger()
	o := open(t, r.URL, map[string]string{envUsername: "u", envPassword: "hunter2-secret"}, logger)
	mustStart(t, o)
	m := newTestMetrics(t)
	for range 5 {
		o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 1, Time: time.Now()}})
		time.Sleep(30 * time.Millisecond)
	}
	err := o.Stop()
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("Stop: want ErrRejected, got %v", err)
	}
	if o.dropped.Load() < 2 {
		t.Fatalf("dropped %d pushes, want several", o.dropped.Load())
	}
	text := logs.String()
	if strings.Count(text, "a push to the remote-write endpoint failed") != 1 {
		t.Errorf("want the failure logged once:\n%s", text)
	}
	if !strings.Contains(text, "failed="+itoa(o.dropped.Load())) {
		t.Errorf("Stop's log does not give the count:\n%s", text)
	}
	if strings.Contains(text+err.Error(), "hunter2") {
		t.Errorf("password shown:\n%s\n%v", text, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestSlowEndpoint: pushes that hang do not slow AddSamples down; they time out, are dropped
// and counted; Stop returns within a bounded time.
func TestSlowEndpoint(t *testing.T) {
	r := newReceiver(t, func(r *receiver) { r.delay = time.Hour })
	logger, logs := testLogger()
	o := open(t, r.URL, nil, logger)
	// Long enough that a call waiting on a push stands out from a loaded machine's pauses.
	o.pushTimeout = 500 * time.Millisecond
	o.client.retryBase = 10 * time.Millisecond
	mustStart(t, o)
	f := outputtest.NewFixture(t, time.Microsecond, func(i int) map[string]string {
		return map[string]string{"mode": "read", "name": "q" + string(rune('a'+i%5))}
	})
	batches := f.Batches(0, 1000)
	var worst time.Duration
	deadline := time.Now().Add(1500 * time.Millisecond)
	calls := 0
	for time.Now().Before(deadline) {
		for _, b := range batches {
			start := time.Now()
			o.AddSamples(b)
			worst = max(worst, time.Since(start))
			calls++
		}
	}
	stopStart := time.Now()
	if err := o.Stop(); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Stop: want the final push's timeout (ErrUnreachable), got %v", err)
	}
	stopTook := time.Since(stopStart)
	t.Logf("%d AddSamples calls, the slowest %v; Stop took %v; %d of %d pushes dropped",
		calls, worst, stopTook, o.dropped.Load(), o.pushes.Load())
	// Generous for the race detector and a loaded machine; a call that waited on a push would
	// take the push timeout (500ms).
	if worst > 250*time.Millisecond {
		t.Errorf("AddSamples took up to %v", worst)
	}
	if stopTook > 3*time.Second {
		t.Errorf("Stop took %v", stopTook)
	}
	if o.dropped.Load() < 2 {
		t.Errorf("dropped %d pushes, want several", o.dropped.Load())
	}
	if !strings.Contains(logs.String(), "failed="+itoa(o.dropped.Load())) {
		t.Errorf("Stop's log does not give the count:\n%s", logs)
	}
}

// TestRetriesServerErrors: a 503 is retried (the spec says senders must), a 400 is not.
func TestRetriesServerErrors(t *testing.T) {
	r := newReceiver(t, func(r *receiver) {
		r.status = func(n int) int {
			switch n {
			case 2: // the first push's first attempt
				return http.StatusServiceUnavailable
			case 4: // the final push
				return http.StatusBadRequest
			}
			return 0
		}
	})
	o := open(t, r.URL, map[string]string{envPushInterval: "1h"}, nil)
	o.client.retryBase = time.Millisecond
	mustStart(t, o)
	m := newTestMetrics(t)
	o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 1, Time: time.Now()}})
	if err := o.flush(context.Background()); err != nil {
		t.Fatalf("a 503 then a 204 should succeed: %v", err)
	}
	o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 1, Time: time.Now()}})
	err := o.Stop()
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "400") {
		t.Fatalf("want the 400, got %v", err)
	}
	if n := len(r.all()); n != 4 {
		t.Fatalf("%d requests, want 4 (start, 503, retry, 400 not retried)", n)
	}
}

func TestStaleMarkers(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, map[string]string{envStaleMarkers: "true", envTrendStats: "p(95),max"}, nil)
	mustStart(t, o)
	m := newTestMetrics(t)
	o.AddSamples([]metrics.SampleContainer{metrics.Samples{
		{Metric: m.dur, Value: 5, Time: time.Now()},
		{Metric: m.queries, Value: 1, Time: time.Now()},
	}})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	reqs := r.all()
	last := reqs[len(reqs)-1]
	var names []string
	for _, ts := range last.series {
		if bits := math.Float64bits(ts.samples[0].value); bits != 0x7ff0000000000002 {
			t.Errorf("%s: value bits %#x, want the stale marker", labelsText(ts.labels), bits)
		}
		names = append(names, ts.labels[0].value)
	}
	slices.Sort(names)
	want := []string{"k6_neo4j_queries_total", "k6_neo4j_query_duration_max", "k6_neo4j_query_duration_p95"}
	if !slices.Equal(names, want) {
		t.Fatalf("stale series %q, want %q", names, want)
	}
	prev := reqs[len(reqs)-2]
	if prev.series[0].samples[0].ms >= last.series[0].samples[0].ms {
		t.Fatal("the stale markers must come after the last values")
	}
}

func TestTooManySeries(t *testing.T) {
	r := newReceiver(t, nil)
	logger, logs := testLogger()
	o := open(t, r.URL, map[string]string{envPushInterval: "1h"}, logger)
	o.maxSeries = 3
	mustStart(t, o)
	m := newTestMetrics(t)
	var batch metrics.Samples
	for i := range 5 {
		batch = append(batch, metrics.Sample{Metric: m.queries, Tags: metrics.NewTagSet(map[string]string{"i": itoa(int64(i))}), Value: 1})
	}
	o.AddSamples([]metrics.SampleContainer{batch})
	_ = o.flush(context.Background())
	o.AddSamples([]metrics.SampleContainer{batch}) // the interval has room again, the series map has not
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := len(r.latest()); got != 3 {
		t.Errorf("%d series pushed, want 3", got)
	}
	if got := o.seriesDropped.Load(); got != 4 {
		t.Errorf("%d samples dropped, want 4", got)
	}
	if !strings.Contains(logs.String(), "dropped=4") {
		t.Errorf("no count in the logs:\n%s", logs)
	}
}

func TestIgnoredOutsideStartStop(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, nil, nil)
	m := newTestMetrics(t)
	s := []metrics.SampleContainer{metrics.Sample{Metric: m.queries, Value: 1}}
	o.AddSamples(s) // before Start: ignored
	mustStart(t, o)
	if err := o.Start(); err == nil {
		t.Error("a second Start should fail")
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(s) // after Stop: ignored, and no panic
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := len(r.latest()); got != 0 {
		t.Fatalf("%d series pushed, want none", got)
	}
}

func TestNewRejects(t *testing.T) {
	for name, p := range map[string]output.Params{
		"argument":         {Arg: "http://x"},
		"native histogram": {Env: map[string]string{envNativeHistogram: "true"}},
		"missing cert":     {Env: map[string]string{envClientCert: "/nonexistent.pem", envClientCertKey: "/nonexistent.key"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(p); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("want ErrInvalidConfig, got %v", err)
			}
		})
	}
}

func TestDescription(t *testing.T) {
	o := open(t, "https://user:pw@prom.example/api/v1/write", nil, nil)
	if got, want := o.Description(), "experimental-prometheus-rw (https://user:xxxxx@prom.example/api/v1/write)"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConcurrentAddSamples: AddSamples from many goroutines at once (the race detector
// watches) loses nothing.
func TestConcurrentAddSamples(t *testing.T) {
	r := newReceiver(t, nil)
	o := open(t, r.URL, map[string]string{envPushInterval: "5ms"}, nil)
	mustStart(t, o)
	m := newTestMetrics(t)
	var wg sync.WaitGroup
	const goroutines, perGoroutine = 8, 2000
	for g := range goroutines {
		wg.Go(func() {
			tags := metrics.NewTagSet(map[string]string{"g": strconv.Itoa(g % 2)})
			for i := range perGoroutine {
				o.AddSamples([]metrics.SampleContainer{
					metrics.Sample{Metric: m.queries, Tags: tags, Value: 1},
					metrics.Sample{Metric: m.dur, Tags: tags, Value: float64(i)},
				})
			}
		})
	}
	wg.Wait()
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	got := r.latest()
	for _, g := range []string{"0", "1"} {
		if v := got["__name__=k6_neo4j_queries_total,g="+g].value; v != goroutines/2*perGoroutine {
			t.Errorf("g=%s: total %v, want %d", g, v, goroutines/2*perGoroutine)
		}
	}
}

// 100 000 distinct query names make at most the cap plus one "(other)" value of the name
// label, with one warning naming the cap, and the memory stays flat.
func TestDistinctTagValuesAreCapped(t *testing.T) {
	r := newReceiver(t, nil)
	logger, logs := testLogger()
	o := open(t, r.URL, map[string]string{envPushInterval: "1h"}, logger)
	mustStart(t, o)
	m := newTestMetrics(t)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	const n = 100_000
	for i := range n {
		tags := metrics.NewTagSet(map[string]string{"name": "q" + itoa(int64(i)), "mode": "read"})
		o.AddSamples([]metrics.SampleContainer{metrics.Samples{
			{Metric: m.queries, Tags: tags, Value: 1},
			{Metric: m.dur, Tags: tags, Value: float64(i % 50)},
		}})
		if i%10_000 == 0 {
			_ = o.flush(context.Background())
		}
	}
	_ = o.flush(context.Background())
	grown := int64(heap()) - int64(before)
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, req := range r.all() {
		for _, ts := range req.series {
			for _, l := range ts.labels {
				if l.name == "name" {
					names[l.value] = true
				}
			}
		}
	}
	if len(names) > maxTagValues+1 || !names[metrics.Other] {
		t.Fatalf("%d distinct names pushed (%q among them: %v), want at most %d", len(names), metrics.Other, names[metrics.Other], maxTagValues+1)
	}
	if got := o.seriesDropped.Load(); got != 0 {
		t.Errorf("%d samples dropped: folded values must keep their samples", got)
	}
	if c := strings.Count(logs.String(), "more than 1000 distinct values"); c != 1 {
		t.Errorf("%d warnings, want one naming the cap:\n%s", c, logs)
	}
	if grown > 32<<20 {
		t.Errorf("the heap grew by %d MB", grown>>20)
	}
	runtime.KeepAlive(o)
}
