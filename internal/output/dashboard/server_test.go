package dashboard

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func newLoadedOutput(t *testing.T, c Config) *Output {
	t.Helper()
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(t)
	for _, b := range r.loadRun(20) {
		o.AddSamples(b)
	}
	return o
}

func get(t *testing.T, h http.Handler, method, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandlerPage(t *testing.T) {
	o := newLoadedOutput(t, NewConfig())
	resp := get(t, o.Handler(), "GET", "/")
	page := body(t, resp)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	// One self-contained document: style and script inline, nothing loaded from elsewhere,
	// no data (the live page polls).
	for _, want := range []string{"<style>:root", "'use strict'", dataMarker} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"/*STYLE*/", "/*SCRIPT*/", "src=\"http", "href=\"http", "<link", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if resp := get(t, o.Handler(), "HEAD", "/"); resp.StatusCode != 200 {
		t.Errorf("HEAD /: %d", resp.StatusCode)
	}
}

func TestHandlerSnapshot(t *testing.T) {
	c := NewConfig()
	c.Thresholds = loadThresholds
	c.Title = "load.js"
	o := newLoadedOutput(t, c)
	resp := get(t, o.Handler(), "GET", "/api/snapshot")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /api/snapshot: %d %v", resp.StatusCode, resp.Header)
	}
	var s Snapshot
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	if !s.Live || s.Version != snapshotVersion || s.Title != "load.js" || s.Period != 1000 || len(s.Buckets.T) != 20 ||
		len(s.Names) != 3 || len(s.Thresholds) != 4 || s.Thresholds[1].Pass || s.Totals.Queries == 0 {
		t.Fatalf("snapshot: live %v version %d title %q period %d, %d buckets, %d names, thresholds %+v, totals %+v",
			s.Live, s.Version, s.Title, s.Period, len(s.Buckets.T), len(s.Names), s.Thresholds, s.Totals)
	}
}

func TestHandlerReportAndErrors(t *testing.T) {
	o := newLoadedOutput(t, NewConfig())
	h := o.Handler()
	resp := get(t, h, "GET", "/report")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=\"xk6-neo4j-report-") {
		t.Fatalf("GET /report: %d %v", resp.StatusCode, resp.Header)
	}
	s := reportData(t, body(t, resp))
	if s.Totals.Queries == 0 {
		t.Fatalf("the report's data has no queries: %+v", s.Totals)
	}
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"POST", "/", http.StatusMethodNotAllowed},
		{"DELETE", "/api/snapshot", http.StatusMethodNotAllowed},
		{"GET", "/nope", http.StatusNotFound},
		{"GET", "/assets/dashboard.js", http.StatusNotFound},
	} {
		if resp := get(t, h, tc.method, tc.path); resp.StatusCode != tc.code {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.code)
		}
	}
}

// reportData is the snapshot a report carries.
func reportData(t *testing.T, page string) Snapshot {
	t.Helper()
	const open = `<script type="application/json" id="report-data">`
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatal("the report has no data element")
	}
	rest := page[i+len(open):]
	data := rest[:strings.Index(rest, "</script>")]
	var s Snapshot
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		t.Fatalf("the report's data: %v", err)
	}
	return s
}

// TestReportEscapesRunText: a query name with markup cannot break out of the data element.
func TestReportEscapesRunText(t *testing.T) {
	o, err := NewOutput(NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(t)
	evil := `</script><script>alert(1)</script><!--`
	o.AddSamples([]metrics.SampleContainer{r.query(base, evil, "read", 1, evil)})
	o.stopped = true
	var b strings.Builder
	if err := o.WriteReport(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "alert(1)</script>") || strings.Count(page, "</script>") != 2 {
		t.Fatalf("the name got out of the data element")
	}
	s := reportData(t, page)
	if s.Live || s.Names[0].Name != evil || s.Errors[0].Code != evil {
		t.Fatalf("data %+v", s.Names)
	}
}

func TestStartServesAndStopWritesReport(t *testing.T) {
	dir := t.TempDir()
	c := NewConfig()
	c.Port = 0
	c.Export = filepath.Join(dir, "report.html")
	o := newLoadedOutput(t, c)
	if got := o.Description(); got != "web-dashboard http://127.0.0.1:0 (report: "+c.Export+")" {
		t.Errorf("Description before Start: %q", got)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	url := o.URL()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("URL %q", url)
	}
	if got := o.Description(); got != "web-dashboard "+url+" (report: "+c.Export+")" {
		t.Errorf("Description: %q", got)
	}
	resp, err := http.Get(url + "/api/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s/api/snapshot: %d", url, resp.StatusCode)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Errorf("still serving after Stop")
	}
	page, err := os.ReadFile(c.Export)
	if err != nil {
		t.Fatal(err)
	}
	s := reportData(t, string(page))
	if s.Live || s.Totals.Queries == 0 {
		t.Fatalf("report: live %v, %d queries", s.Live, s.Totals.Queries)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind in the report's directory: %v", entries)
	}
	// Samples after Stop are ignored rather than racing the report.
	before := o.Snapshot().Totals.Queries
	r := newRun(t)
	o.AddSamples([]metrics.SampleContainer{r.query(base, "late", "read", 1, "")})
	if o.Snapshot().Totals.Queries != before {
		t.Errorf("a sample after Stop was counted")
	}
}

func TestStartPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := NewConfig()
	c.Port = ln.Addr().(*net.TCPAddr).Port
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	err = o.Start()
	if err == nil {
		o.Stop()
		t.Fatal("Start on a port in use succeeded")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(c.Port)) {
		t.Errorf("the error does not name the address: %v", err)
	}
}

func TestNoServerStillExports(t *testing.T) {
	c := NewConfig()
	c.Port = NoServer
	c.Export = filepath.Join(t.TempDir(), "missing-dir", "report.html")
	o := newLoadedOutput(t, c)
	if err := o.Start(); err != nil || o.URL() != "" {
		t.Fatalf("Start: %v, URL %q", err, o.URL())
	}
	err := o.Stop()
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), c.Export) {
		t.Fatalf("Stop with an unwritable report: %v, want an error naming %s", err, c.Export)
	}
}

// TestConcurrentUse: VUs' batches keep coming while pages poll and a report is taken (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	c := NewConfig()
	c.Thresholds = loadThresholds
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	batches := newRun(t).loadRun(30)
	h := o.Handler()
	done := make(chan struct{})
	for range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, b := range batches {
				o.AddSamples(b)
			}
		}()
	}
	for range 20 {
		if resp := get(t, h, "GET", "/api/snapshot"); resp.StatusCode != 200 {
			t.Fatalf("snapshot: %d", resp.StatusCode)
		}
	}
	if resp := get(t, h, "GET", "/report"); resp.StatusCode != 200 {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	<-done
	<-done
	var want uint64
	for _, b := range batches {
		for _, sc := range b {
			for _, s := range sc.GetSamples() {
				if s.Metric.Name == metricQueryDuration {
					want += 2
				}
			}
		}
	}
	if got := o.Snapshot().Totals.Queries; got != want {
		t.Fatalf("%d queries counted, want %d", got, want)
	}
}
