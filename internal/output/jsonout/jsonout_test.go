package jsonout

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// fixture is a registry with one metric of each type, as the neo4j module and the host make.
type fixture struct {
	ms []*metrics.Metric
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	r := metrics.NewRegistry()
	mk := func(name string, typ metrics.MetricType, vt metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return fixture{ms: []*metrics.Metric{
		mk("neo4j_query_duration", metrics.Trend, metrics.Time),
		mk("neo4j_queries", metrics.Counter, metrics.Default),
		mk("neo4j_query_failed", metrics.Rate, metrics.Default),
		mk("vus", metrics.Gauge, metrics.Default),
	}}
}

var base = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// sample i has a value no other sample has (i + 0.5), so it can be found in the file; one in
// ten has no tags.
func (f fixture) sample(i int) metrics.Sample {
	s := metrics.Sample{
		Metric: f.ms[i%len(f.ms)],
		Time:   base.Add(time.Duration(i) * time.Microsecond),
		Value:  float64(i) + 0.5,
	}
	if i%10 != 0 {
		s.Tags = metrics.NewTagSet(map[string]string{
			"mode": []string{"read", "write", "auto"}[i%3],
			"name": "q" + strconv.Itoa(i%7),
			"db":   "neo4j",
		})
	}
	return s
}

// wantTags is the tags of sample i as the file should hold them (nil for none).
func (f fixture) wantTags(i int) map[string]string {
	return f.sample(i).Tags.Map()
}

// batches cuts samples [from, to) into batches of mixed container kinds.
func (f fixture) batches(from, to int) [][]metrics.SampleContainer {
	var out [][]metrics.SampleContainer
	var cur []metrics.SampleContainer
	for i := from; i < to; {
		switch i % 3 {
		case 0: // a lone Sample
			cur = append(cur, f.sample(i))
			i++
		default: // a Samples of up to 4
			var ss metrics.Samples
			for j := 0; j < 4 && i < to; j++ {
				ss = append(ss, f.sample(i))
				i++
			}
			cur = append(cur, ss)
		}
		if len(cur) == 16 {
			out = append(out, cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

func start(t testing.TB, p output.Params) *Output {
	t.Helper()
	o := newOutput(p)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	return o
}

// readFile returns the file's content, gunzipped when the name ends in .gz (reading the gzip
// stream to its end checks its trailer, so a stream that was not closed fails here).
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return raw
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s is not gzip: %v", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: gzip stream: %v", path, err)
	}
	return out
}

type envelope struct {
	Type   string          `json:"type"`
	Data   json.RawMessage `json:"data"`
	Metric string          `json:"metric"`
}

type pointData struct {
	Time  time.Time         `json:"time"`
	Value float64           `json:"value"`
	Tags  map[string]string `json:"tags"`
}

type metricData struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Contains   string   `json:"contains"`
	Thresholds []string `json:"thresholds"`
	Submetrics []struct {
		Name   string            `json:"name"`
		Suffix string            `json:"suffix"`
		Tags   map[string]string `json:"tags"`
	} `json:"submetrics"`
}

// The layout, key order included, of the two kinds of line.
var (
	pointRE  = regexp.MustCompile(`^\{"type":"Point","data":\{"time":"[^"]+","value":[-0-9.e+]+,"tags":(null|\{.*\})\},"metric":"[^"]+"\}$`)
	metricRE = regexp.MustCompile(`^\{"type":"Metric","data":\{"name":"[^"]+","type":"(counter|gauge|rate|trend)","contains":"(default|time|data)","thresholds":\[.*\],"submetrics":(null|\[.*\])\},"metric":"[^"]+"\}$`)
)

// checkFile parses every line and checks the file holds samples [0, n) of f exactly once,
// each metric described once before its first point. It returns the Metric lines by name.
func checkFile(t *testing.T, content []byte, f fixture, n int) map[string]metricData {
	t.Helper()
	if n == 0 {
		if len(content) != 0 {
			t.Fatalf("want an empty file, got %q", content)
		}
		return nil
	}
	if content[len(content)-1] != '\n' {
		t.Fatalf("the file does not end on a complete line: ...%q", content[max(0, len(content)-80):])
	}
	described := map[string]metricData{}
	seen := make([]bool, n)
	for ln, line := range strings.Split(strings.TrimSuffix(string(content), "\n"), "\n") {
		var env envelope
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", ln+1, err, line)
		}
		switch env.Type {
		case "Metric":
			if !metricRE.MatchString(line) {
				t.Fatalf("line %d: Metric line not in k6's layout:\n%s", ln+1, line)
			}
			var md metricData
			if err := json.Unmarshal(env.Data, &md); err != nil {
				t.Fatal(err)
			}
			if _, dup := described[env.Metric]; dup {
				t.Fatalf("line %d: %s described twice", ln+1, env.Metric)
			}
			if md.Name != env.Metric {
				t.Fatalf("line %d: data.name %q, metric %q", ln+1, md.Name, env.Metric)
			}
			described[env.Metric] = md
		case "Point":
			if !pointRE.MatchString(line) {
				t.Fatalf("line %d: Point line not in k6's layout:\n%s", ln+1, line)
			}
			md, ok := described[env.Metric]
			if !ok {
				t.Fatalf("line %d: a point of %s before its Metric line", ln+1, env.Metric)
			}
			var pd pointData
			if err := json.Unmarshal(env.Data, &pd); err != nil {
				t.Fatal(err)
			}
			i := int(pd.Value)
			if i < 0 || i >= n || pd.Value != float64(i)+0.5 {
				t.Fatalf("line %d: value %v is no sample of the test", ln+1, pd.Value)
			}
			if seen[i] {
				t.Fatalf("line %d: sample %d written twice", ln+1, i)
			}
			seen[i] = true
			want := f.sample(i)
			if env.Metric != want.Metric.Name || md.Type != want.Metric.Type.String() || md.Contains != want.Metric.Contains.String() {
				t.Fatalf("line %d: sample %d under %s (%s of %s), want %s", ln+1, i, env.Metric, md.Type, md.Contains, want.Metric.Name)
			}
			if !pd.Time.Equal(want.Time) {
				t.Fatalf("line %d: time %v, want %v", ln+1, pd.Time, want.Time)
			}
			if fmt.Sprint(pd.Tags) != fmt.Sprint(f.wantTags(i)) || (pd.Tags == nil) != (want.Tags == nil) {
				t.Fatalf("line %d: tags %v, want %v", ln+1, pd.Tags, f.wantTags(i))
			}
		default:
			t.Fatalf("line %d: type %q", ln+1, env.Type)
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("sample %d missing", i)
		}
	}
	return described
}

func TestEverySampleOnceInK6Layout(t *testing.T) {
	for _, name := range []string{"out.json", "out.json.gz"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			const n = 5000
			for _, b := range f.batches(0, n) {
				o.AddSamples(b)
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			described := checkFile(t, readFile(t, path), f, n)
			if len(described) != len(f.ms) {
				t.Fatalf("%d metrics described, want %d", len(described), len(f.ms))
			}
			if name == "out.json.gz" {
				raw, _ := os.ReadFile(path)
				if raw[0] != 0x1f || raw[1] != 0x8b {
					t.Fatalf("not gzip: % x", raw[:2])
				}
			}
		})
	}
}

func TestMetricLineThresholdsAndSubmetrics(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.json")
	o := start(t, output.Params{Arg: path, Thresholds: map[string][]string{
		"neo4j_query_duration":                 {"p(95)<200", "avg<100"},
		"neo4j_query_duration{name:q1}":        {"p(99)<300"},
		"neo4j_query_duration{ mode : read }":  {"max<1000"},
		"neo4j_query_failed":                   {"rate<0.01"},
		"neo4j_queries{name:q1,mode:write}":    {"count>0"},
		"not a {valid key":                     {"count>0"},
		"some_metric_that_never_gets_a_sample": {"count>0"},
	}})
	for i := range 8 {
		o.AddSamples([]metrics.SampleContainer{f.sample(i)})
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range strings.SplitSeq(string(readFile(t, path)), "\n") {
		if strings.HasPrefix(line, `{"type":"Metric"`) {
			got = append(got, line)
		}
	}
	want := []string{
		`{"type":"Metric","data":{"name":"neo4j_query_duration","type":"trend","contains":"time","thresholds":["p(95)<200","avg<100"],"submetrics":[{"name":"neo4j_query_duration{mode : read}","suffix":"mode : read","tags":{"mode":"read"}},{"name":"neo4j_query_duration{name:q1}","suffix":"name:q1","tags":{"name":"q1"}}]},"metric":"neo4j_query_duration"}`,
		`{"type":"Metric","data":{"name":"neo4j_queries","type":"counter","contains":"default","thresholds":[],"submetrics":[{"name":"neo4j_queries{name:q1,mode:write}","suffix":"name:q1,mode:write","tags":{"mode":"write","name":"q1"}}]},"metric":"neo4j_queries"}`,
		`{"type":"Metric","data":{"name":"neo4j_query_failed","type":"rate","contains":"default","thresholds":["rate<0.01"],"submetrics":null},"metric":"neo4j_query_failed"}`,
		`{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Metric lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStdout(t *testing.T) {
	for _, arg := range []string{"", "-"} {
		t.Run(strconv.Quote(arg), func(t *testing.T) {
			f := newFixture(t)
			var out bytes.Buffer
			o := start(t, output.Params{Arg: arg, Stdout: &out})
			if got := o.Description(); got != "json (stdout)" {
				t.Fatalf("Description() = %q", got)
			}
			for _, b := range f.batches(0, 100) {
				o.AddSamples(b)
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			checkFile(t, out.Bytes(), f, 100)
		})
	}
}

func TestDescription(t *testing.T) {
	o, err := New(output.Params{Arg: "results.json.gz"})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); got != "json (results.json.gz)" {
		t.Fatalf("Description() = %q", got)
	}
}

func TestConcurrentAddSamples(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.json.gz")
	o := newOutput(output.Params{Arg: path})
	o.addTimeout = time.Minute // this test wants every sample; the drop path has its own test
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	const workers, per = 8, 2000
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, b := range f.batches(w*per, (w+1)*per) {
				o.AddSamples(b)
			}
		})
	}
	wg.Wait()
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, readFile(t, path), f, workers*per)
}

func TestEmptyRun(t *testing.T) {
	for _, name := range []string{"out.json", "out.json.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); len(got) != 0 {
				t.Fatalf("content %q", got)
			}
		})
	}
}

func TestStopIsIdempotentAndSafeBeforeStart(t *testing.T) {
	f := newFixture(t)
	o := newOutput(output.Params{Arg: filepath.Join(t.TempDir(), "never.json")})
	o.AddSamples([]metrics.SampleContainer{f.sample(1)}) // before Start: ignored
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	o2 := start(t, output.Params{Arg: filepath.Join(t.TempDir(), "twice.json")})
	if err := o2.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := o2.Stop(); err != nil {
		t.Fatal(err)
	}
	o2.AddSamples([]metrics.SampleContainer{f.sample(1)}) // after Stop: returns at once
}

func TestStartFailsNamingThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "out.json")
	o, err := New(output.Params{Arg: path})
	if err != nil {
		t.Fatal(err)
	}
	err = o.Start()
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Start() = %v, want fs.ErrNotExist", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("Start() = %v, want a *fs.PathError for %s", err, path)
	}
	if err := o.Stop(); err != nil { // the host stops what it could not start: harmless
		t.Fatal(err)
	}
}

// failingWriter is stdout on a full disk: it takes limit bytes, then fails.
type failingWriter struct {
	mu    sync.Mutex
	limit int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errDiskFull
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestWriteErrorReportedByStop(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	o := start(t, output.Params{
		Stdout: &failingWriter{limit: 1000},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	for _, b := range f.batches(0, 20000) { // ~2.5 MB: far past the buffer and the limit
		o.AddSamples(b)
	}
	err := o.Stop()
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("Stop() = %v, want the write error", err)
	}
	if !strings.Contains(logs.String(), "writing failed") {
		t.Fatalf("the failure was not logged when it happened; logs:\n%s", logs.String())
	}
}

// stallingWriter blocks every Write until released: a disk that stops answering.
type stallingWriter struct {
	release chan struct{}
	buf     bytes.Buffer
}

func (w *stallingWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.buf.Write(p)
}

func TestAddSamplesNeverBlocksLongOnAStalledWriter(t *testing.T) {
	f := newFixture(t)
	w := &stallingWriter{release: make(chan struct{})}
	var logs bytes.Buffer
	o := newOutput(output.Params{Stdout: w, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	o.queue = make(chan []metrics.SampleContainer, 4)
	o.addTimeout = 5 * time.Millisecond
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 4000 // ~500 kB: the writer stalls once its 64 KiB buffer is full
	batches := f.batches(0, n)
	began := time.Now()
	for _, b := range batches {
		o.AddSamples(b)
	}
	// Each call waits at most addTimeout; with a stalled writer most of them do.
	if el, limit := time.Since(began), time.Duration(len(batches))*(o.addTimeout+50*time.Millisecond); el > limit {
		t.Fatalf("AddSamples took %v for %d batches", el, len(batches))
	}
	dropped := o.dropped.Load()
	if dropped == 0 {
		t.Fatal("nothing dropped although the writer was stalled")
	}
	close(w.release)
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	content := w.buf.Bytes()
	if content[len(content)-1] != '\n' {
		t.Fatal("the output does not end on a complete line")
	}
	points := bytes.Count(content, []byte(`{"type":"Point"`))
	if int64(points)+dropped != n {
		t.Fatalf("%d points written + %d dropped != %d", points, dropped, n)
	}
	if !strings.Contains(logs.String(), "dropped="+strconv.FormatInt(dropped, 10)) {
		t.Fatalf("the drop count was not reported; logs:\n%s", logs.String())
	}
}
