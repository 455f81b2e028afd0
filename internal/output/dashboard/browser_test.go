package dashboard

import (
	"bytes"
	"context"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// These tests open the live page and the exported report in headless Chromium (Debian's
// package `chromium`) and read what the page drew from the DOM it leaves behind. Outside CI
// they are skipped when Chromium is missing; in CI (CI set) that is a failure. Screenshots,
// DOM dumps and the report go to $XK6_ARTIFACTS (default: the test's temporary directory).

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("XK6_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (apt-get install -y chromium); CI must run the browser tests")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium)")
	return ""
}

func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("XK6_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browse runs headless Chromium on url: once dumping the DOM after budget of virtual time
// (timers run fast; time stops while a request is in flight), and once to save a screenshot
// to png. It returns the DOM.
func browse(t *testing.T, url, png string, budget time.Duration) string {
	t.Helper()
	return browseSized(t, url, png, budget, "1280,2000")
}

// browseSized is browse with the window's size, "width,height".
func browseSized(t *testing.T, url, png string, budget time.Duration, size string) string {
	t.Helper()
	bin := chromiumPath(t)
	run := func(extra ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
			"--user-data-dir=" + t.TempDir(), "--window-size=" + size,
			"--virtual-time-budget=" + strconv.FormatInt(budget.Milliseconds(), 10)}
		args = append(append(args, extra...), url)
		cmd := exec.CommandContext(ctx, bin, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
		}
		t.Logf("chromium %s %s: %s", strings.Join(extra, " "), url, time.Since(start).Round(time.Millisecond))
		return stdout.Bytes()
	}
	dom := string(run("--dump-dom"))
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("chromium printed no DOM for %s: %q", url, dom)
	}
	run("--screenshot=" + png)
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", png, err)
	}
	t.Logf("screenshot: %s", png)
	return dom
}

// element is a start tag found in a DOM dump.
type element struct {
	tag   string
	attrs map[string]string
}

var (
	startTagRE = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*/?>`)
	attrRE     = regexp.MustCompile(`([^\s=>]+)(?:="([^"]*)")?`)
)

// elements returns the start tags of dom that have attribute attr (with value, when value
// is not "").
func elements(dom, attr, value string) []element {
	var out []element
	for _, m := range startTagRE.FindAllStringSubmatch(dom, -1) {
		e := element{tag: strings.ToLower(m[1]), attrs: map[string]string{}}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			e.attrs[a[1]] = html.UnescapeString(a[2])
		}
		if v, ok := e.attrs[attr]; ok && (value == "" || v == value) {
			out = append(out, e)
		}
	}
	return out
}

func oneElement(t *testing.T, dom, attr, value string) element {
	t.Helper()
	es := elements(dom, attr, value)
	if len(es) != 1 {
		t.Fatalf("want one element with %s=%q in the page, found %d", attr, value, len(es))
	}
	return es[0]
}

// assertChart checks that the chart is drawn with points and lists every series named.
func assertChart(t *testing.T, dom, id string, series ...string) {
	t.Helper()
	e := oneElement(t, dom, "data-chart", id)
	if n, _ := strconv.Atoi(e.attrs["data-points"]); n == 0 {
		t.Errorf("chart %s has no points", id)
	}
	got := strings.Split(e.attrs["data-series"], "|")
	for _, s := range series {
		found := false
		for _, g := range got {
			found = found || g == s
		}
		if !found {
			t.Errorf("chart %s lists series %q, want %q among them", id, got, s)
		}
	}
}

// assertLoadRunDrawn checks what every view of loadRun must show.
func assertLoadRunDrawn(t *testing.T, dom string) {
	t.Helper()
	names := []string{"person-by-id", "fulltext-search", "create-person"}
	assertChart(t, dom, "qps", append([]string{"all queries"}, names...)...)
	assertChart(t, dom, "latency-p95", names...)
	assertChart(t, dom, "errors", "Neo.TransientError.Transaction.LockClientStopped", "Neo.ClientError.Schema.ConstraintValidationFailed")
	assertChart(t, dom, "vus", "vus")
	assertChart(t, dom, "iterations", "iterations")
	assertChart(t, dom, "checks", "passed", "failed")
	for _, n := range names {
		assertChart(t, dom, "latency:"+n, "p50", "p95", "p99")
		oneElement(t, dom, "data-query", n)
	}
	// Lines are drawn: one path per series of the throughput chart at least.
	if n := len(elements(dom, "data-series", "fulltext-search")); n < 3 {
		t.Errorf("fulltext-search is drawn in %d places (legends, lines), want several", n)
	}
	oneElement(t, dom, "data-code", "Neo.TransientError.Transaction.LockClientStopped")
	oneElement(t, dom, "data-check", "found the person")
}

// assertThreshold checks a threshold's row: passing ones green (class pass), failing red.
func assertThreshold(t *testing.T, dom, source string, pass bool) {
	t.Helper()
	e := oneElement(t, dom, "data-source", source)
	want := "threshold fail"
	if pass {
		want = "threshold pass"
	}
	if e.attrs["class"] != want || e.attrs["data-pass"] != strconv.FormatBool(pass) {
		t.Errorf("threshold %q: class %q data-pass %q, want class %q", source, e.attrs["class"], e.attrs["data-pass"], want)
	}
}

func TestBrowserLivePage(t *testing.T) {
	chromiumPath(t)
	dir := artifactsDir(t)
	r := newRun(t)
	batches := r.loadRun(60)

	// The thresholds pass until the page has drawn twice; then the search's p95 fails, and
	// the page must turn it red without being reloaded.
	var failing atomic.Bool
	c := NewConfig()
	c.Port = 0
	c.Title = "live.js"
	c.RunInfo = func() any { return fixtureReport() }
	c.Thresholds = func() []ThresholdResult {
		ths := loadThresholds()
		if !failing.Load() {
			for i := range ths {
				ths[i].Pass = true
			}
		}
		return ths
	}
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	// Half the run before the page opens, the rest (with a query name not seen before) after
	// its second snapshot.
	server := newServerMetrics(t).serverRun(60, "neo4j@127.0.0.1:7687")
	for _, b := range batches[:30] {
		o.AddSamples(b)
	}
	for _, b := range server[:15] {
		o.AddSamples(b)
	}
	o.onSnapshot = func(n int) {
		if n != 2 {
			return
		}
		for _, b := range batches[30:] {
			o.AddSamples(b)
		}
		for _, b := range server[15:] {
			o.AddSamples(b)
		}
		o.AddSamples([]metrics.SampleContainer{
			r.query(base.Add(57*time.Second), "late-query", "auto", 42, ""),
			r.query(base.Add(58*time.Second), "late-query", "auto", 44, ""),
		})
		failing.Store(true)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	defer o.Stop()
	if !strings.HasPrefix(o.URL(), "http://127.0.0.1:") || strings.HasSuffix(o.URL(), ":0") {
		t.Fatalf("URL() = %q, want the bound port on 127.0.0.1", o.URL())
	}

	dom := browse(t, o.URL()+"/#plans", filepath.Join(dir, "dashboard-live.png"), 6*time.Second)
	writeArtifact(t, dir, "dashboard-live.dom.html", dom)

	oneElement(t, dom, "data-mode", "live")
	if e := oneElement(t, dom, "data-mode", "live"); atoiAttr(e, "data-updates") < 3 {
		t.Errorf("the page drew %d snapshots, want at least 3 (it must keep polling)", atoiAttr(e, "data-updates"))
	}
	assertLoadRunDrawn(t, dom)
	assertChart(t, dom, "qps", "late-query")
	oneElement(t, dom, "data-query", "late-query")
	assertThreshold(t, dom, "p(95)<500", true)
	assertThreshold(t, dom, "p(95)<50", false)
	assertThreshold(t, dom, "rate>0.99", false)
	// The live page draws the Server panel, the server and the plans as the report does,
	// and the plans opened by #plans stay open through the redraws.
	for _, id := range []string{"client-latency", "server-cpu", "server-heap", "server-transactions", "server-gc"} {
		assertChart(t, dom, id)
	}
	oneElement(t, dom, "data-server", "neo4j@127.0.0.1:7687")
	if _, open := oneElement(t, dom, "data-plan", "person-by-id").attrs["open"]; !open {
		t.Error("the plan opened by #plans closed on a redraw")
	}
	if n := len(elements(dom, "data-db-hits", "10001")); n != 1 {
		t.Errorf("the profiled plan's db hits are drawn %d times, want 1", n)
	}
}

func TestBrowserReport(t *testing.T) {
	chromiumPath(t)
	dir := artifactsDir(t)
	r := newRun(t)
	c := NewConfig()
	c.Port = NoServer
	c.Title = "report.js"
	c.Export = filepath.Join(dir, "dashboard-report.html")
	c.Thresholds = loadThresholds
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	for _, b := range r.loadRun(60) {
		o.AddSamples(b)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}

	dom := browse(t, "file://"+c.Export, filepath.Join(dir, "dashboard-report.png"), 2*time.Second)
	writeArtifact(t, dir, "dashboard-report.dom.html", dom)

	oneElement(t, dom, "data-mode", "report")
	assertLoadRunDrawn(t, dom)
	// No server readings, no run info: no Server panel, no server line, no plans.
	if _, shown := oneElement(t, dom, "id", "server-panel").attrs["hidden"]; !shown {
		t.Error("the Server panel is shown for a run without server readings")
	}
	if n := len(elements(dom, "data-chart", "server-cpu")) + len(elements(dom, "data-server", "")) + len(elements(dom, "data-plan", "")); n != 0 {
		t.Errorf("%d server charts, server lines or plans drawn for a run without them", n)
	}
	assertThreshold(t, dom, "p(95)<500", true)
	assertThreshold(t, dom, "p(95)<50", false)
	assertThreshold(t, dom, "rate<0.05", true)
	assertThreshold(t, dom, "rate>0.99", false)
}

// TestBrowserEmptyLivePage is what a user sees before the first sample: every chart drawn
// empty, no script error (the page counts the snapshots it drew).
func TestBrowserEmptyLivePage(t *testing.T) {
	chromiumPath(t)
	dir := artifactsDir(t)
	c := NewConfig()
	c.Port = 0
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	defer o.Stop()
	dom := browse(t, o.URL()+"/", filepath.Join(dir, "dashboard-empty.png"), 3*time.Second)
	if e := oneElement(t, dom, "data-mode", "live"); atoiAttr(e, "data-updates") < 1 {
		t.Fatalf("the page drew nothing")
	}
	for _, id := range []string{"qps", "latency-p95", "errors", "vus", "iterations"} {
		if e := oneElement(t, dom, "data-chart", id); e.attrs["data-points"] != "0" {
			t.Errorf("chart %s has %s points before any sample", id, e.attrs["data-points"])
		}
	}
	if !strings.Contains(dom, "Waiting for the first samples") {
		t.Errorf("the page does not say it is waiting")
	}
}

func atoiAttr(e element, name string) int {
	n, _ := strconv.Atoi(e.attrs[name])
	return n
}

func writeArtifact(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserReportServerPanel is the report of a run with the server sampler on and the
// module's run info: the Server panel beside the client's latency, the server in the
// header, and each query's plan (and slowest profiled call) under its row. It keeps
// report-server-panel.png (the README's picture: 1200 px wide) and report-plans.png.
func TestBrowserReportServerPanel(t *testing.T) {
	chromiumPath(t)
	dir := artifactsDir(t)
	r := newRun(t)
	m := newServerMetrics(t)
	id := "neo4j@127.0.0.1:7687"
	c := NewConfig()
	c.Port = NoServer
	c.Title = "server-metrics.js"
	c.Export = filepath.Join(dir, "report-server-panel.html")
	c.RunInfo = func() any { return fixtureReport() }
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	server := m.serverRun(60, id)
	for s, b := range r.loadRun(60) {
		o.AddSamples(b)
		if s%2 == 0 {
			o.AddSamples(server[s/2])
		}
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}

	dom := browseSized(t, "file://"+c.Export, filepath.Join(dir, "report-server-panel.png"), 2*time.Second, "1200,1000")
	writeArtifact(t, dir, "report-server-panel.dom.html", dom)
	oneElement(t, dom, "data-mode", "report")
	assertLoadRunDrawn(t, dom)
	if _, hidden := oneElement(t, dom, "id", "server-panel").attrs["hidden"]; hidden {
		t.Fatal("the Server panel is hidden though the run has server readings")
	}
	assertChart(t, dom, "client-latency", "person-by-id", "fulltext-search", "create-person")
	assertChart(t, dom, "client-qps", "all queries")
	assertChart(t, dom, "server-cpu", id)
	assertChart(t, dom, "server-heap", id, id+" max")
	assertChart(t, dom, "server-transactions", id)
	assertChart(t, dom, "server-gc", id)
	// Readings every 2 s in 1 s buckets are drawn as lines, not dots.
	for _, chart := range []string{"server-cpu", "server-gc"} {
		if e := oneElement(t, dom, "data-chart", chart); atoiAttr(e, "data-points") < 25 {
			t.Errorf("chart %s has %d points, want the 30 readings (29 for GC)", chart, atoiAttr(e, "data-points"))
		}
	}
	if n := strings.Count(dom, `<circle`); n > 0 {
		t.Errorf("%d lone points drawn: sparse server readings must join into lines", n)
	}
	oneElement(t, dom, "data-server", id)
	for _, want := range []string{"Neo4j/2026.08.1", "community", "at 127.0.0.1:7687", "database neo4j (default)", "Bolt 5.8"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the header does not say %q", want)
		}
	}
	// Closed until opened: the plans are there, folded.
	if _, open := oneElement(t, dom, "data-plan", "person-by-id").attrs["open"]; open {
		t.Error("the plan is open before anyone opened it")
	}

	// #plans opens every plan, as the "show all plans" button does. The picture is the whole
	// page: a headless screenshot of a scrolled page comes out blank.
	dom = browseSized(t, "file://"+c.Export+"#plans", filepath.Join(dir, "report-plans.png"), 2*time.Second, "1200,3000")
	writeArtifact(t, dir, "report-plans.dom.html", dom)
	for _, q := range []string{"person-by-id", "fulltext-search"} {
		if _, open := oneElement(t, dom, "data-plan", q).attrs["open"]; !open {
			t.Errorf("the plan of %s is not open", q)
		}
		oneElement(t, dom, "data-plan-for", q)
	}
	if n := len(elements(dom, "data-plan", "create-person")); n != 0 {
		t.Errorf("create-person has %d plan rows, and no plan", n)
	}
	// The EXPLAIN plan and the slowest profiled call's: every operator twice.
	for _, op := range []string{"ProduceResults", "Filter", "NodeByLabelScan"} {
		if n := len(elements(dom, "data-operator", op)); n != 2 {
			t.Errorf("operator %s drawn %d times, want 2 (plan and profile)", op, n)
		}
	}
	for _, hits := range []string{"2", "10000", "10001"} {
		oneElement(t, dom, "data-db-hits", hits)
	}
	for _, want := range []string{"10,001 db hits", "10,000 rows", "est. 10k rows", "p.id = $id", "p:Person",
		"profiled 37 calls, slowest 41.5 ms with 20,003 db hits", "Plan not captured: EXPLAIN failed: Neo.ClientError.Procedure.ProcedureNotFound"} {
		if !strings.Contains(dom, html.EscapeString(want)) {
			t.Errorf("the plans do not show %q", want)
		}
	}
}
