package csvout

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

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

// sample i has a value no other sample has (i + 0.5, exact with six decimals), so it can be
// found in the file; one in ten has no tags; the others mix column tags and extra tags.
func (f fixture) sample(i int) metrics.Sample {
	s := metrics.Sample{
		Metric: f.ms[i%len(f.ms)],
		Time:   base.Add(time.Duration(i) * time.Millisecond),
		Value:  float64(i) + 0.5,
	}
	if i%10 != 0 {
		s.Tags = metrics.NewTagSet(map[string]string{
			"mode":     []string{"read", "write", "auto"}[i%3],
			"name":     "q" + strconv.Itoa(i%7),
			"db":       "neo4j",
			"scenario": "default",
			"status":   []string{"ok", "error"}[i%2],
		})
	}
	return s
}

func (f fixture) batches(from, to int) [][]metrics.SampleContainer {
	var out [][]metrics.SampleContainer
	var cur []metrics.SampleContainer
	for i := from; i < to; {
		switch i % 3 {
		case 0:
			cur = append(cur, f.sample(i))
			i++
		default:
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
	o, err := newOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	return o
}

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

// checkFile reads the whole file with encoding/csv and checks it is the header and then
// samples [0, n) of f exactly once, each with its metric, time, value and tags.
func checkFile(t *testing.T, content []byte, f fixture, n int) {
	t.Helper()
	if !bytes.HasPrefix(content, []byte(Header)) {
		t.Fatalf("the file does not start with the header: %q", content[:min(len(content), 200)])
	}
	if content[len(content)-1] != '\n' {
		t.Fatalf("the file does not end on a complete row: ...%q", content[max(0, len(content)-80):])
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = 19
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	if got := len(rows) - 1; got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	seen := make([]bool, n)
	for ln, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[col("metric_value")], 64)
		if err != nil {
			t.Fatal(err)
		}
		i := int(v)
		if i < 0 || i >= n || v != float64(i)+0.5 || seen[i] {
			t.Fatalf("row %d: value %v is no sample of the test, or a repeated one", ln+2, v)
		}
		seen[i] = true
		want := f.sample(i)
		if row[col("metric_name")] != want.Metric.Name {
			t.Fatalf("row %d: metric %s, want %s", ln+2, row[0], want.Metric.Name)
		}
		if ts := row[col("timestamp")]; ts != strconv.FormatInt(want.Time.Unix(), 10) {
			t.Fatalf("row %d: timestamp %s, want %d", ln+2, ts, want.Time.Unix())
		}
		got := map[string]string{}
		for _, c := range tagColumns {
			if v := row[col(c)]; v != "" {
				got[c] = v
			}
		}
		if extra := row[col("extra_tags")]; extra != "" {
			for kv := range strings.SplitSeq(extra, "&") {
				k, v, _ := strings.Cut(kv, "=")
				got[k] = v
			}
		}
		if wt := want.Tags.Map(); !maps.Equal(got, wt) {
			t.Fatalf("row %d: tags %v, want %v", ln+2, got, wt)
		}
		if row[col("metadata")] != "" {
			t.Fatalf("row %d: metadata %q", ln+2, row[col("metadata")])
		}
	}
}

func TestEverySampleOnce(t *testing.T) {
	for _, name := range []string{"out.csv", "out.csv.gz"} {
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
			checkFile(t, readFile(t, path), f, n)
		})
	}
}

func TestTimeFormatFromEnv(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.FixedZone("", -5*3600))
	for format, want := range map[string]string{
		"unix":         "1741082767",
		"unix_milli":   "1741082767891",
		"unix_micro":   "1741082767891234",
		"unix_nano":    "1741082767891234567",
		"rfc3339":      "2025-03-04T05:06:07-05:00",
		"rfc3339_nano": "2025-03-04T05:06:07.891234567-05:00",
	} {
		t.Run(format, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), "out.csv")
			o := start(t, output.Params{Arg: path, Env: map[string]string{"K6_CSV_TIME_FORMAT": format}})
			o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: f.ms[0], Time: at, Value: 1}})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(readFile(t, path))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := rows[1][1]; got != want {
				t.Fatalf("timestamp %q, want %q", got, want)
			}
		})
	}
}

func TestSettingsInTheArgument(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "a=b.csv.gz")
	o := start(t, output.Params{Arg: "fileName=" + path + ",timeFormat=unix_milli,saveInterval=10ms"})
	if o.Description() != "csv ("+path+")" {
		t.Fatalf("Description() = %q", o.Description())
	}
	o.AddSamples([]metrics.SampleContainer{f.sample(3)})
	time.Sleep(50 * time.Millisecond) // a few save intervals
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	want := Header + "vus,1741064767003,3.500000,,,,,,,q3,,default,,error,,,,db=neo4j&mode=read,\n"
	if got := string(readFile(t, path)); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestSaveIntervalWritesWhileRunning(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	o := start(t, output.Params{Arg: path, Env: map[string]string{"K6_CSV_SAVE_INTERVAL": "20ms"}})
	defer o.Stop()
	o.AddSamples([]metrics.SampleContainer{f.sample(1)})
	deadline := time.Now().Add(5 * time.Second)
	for {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(raw, []byte("\n")) == 2 {
			return // header and the row, before Stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5s the file holds %q", raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStdout(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	o := start(t, output.Params{Arg: "-", Stdout: &out})
	if got := o.Description(); got != "csv (stdout)" {
		t.Fatalf("Description() = %q", got)
	}
	for _, b := range f.batches(0, 100) {
		o.AddSamples(b)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out.Bytes(), f, 100)
}

func TestDefaultFileName(t *testing.T) {
	o, err := New(output.Params{})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); got != "csv (file.csv)" {
		t.Fatalf("Description() = %q", got)
	}
}

func TestConcurrentAddSamples(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.csv.gz")
	o, err := newOutput(output.Params{Arg: path})
	if err != nil {
		t.Fatal(err)
	}
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

func TestEmptyRunLeavesTheHeader(t *testing.T) {
	for _, name := range []string{"out.csv", "out.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			if got := string(readFile(t, path)); got != Header {
				t.Fatalf("content %q", got)
			}
		})
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	_, err := New(output.Params{Arg: "x.csv", Env: map[string]string{"K6_CSV_TIME_FORMAT": "iso8601"}})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("New() = %v, want ErrInvalidConfig", err)
	}
}

func TestStartFailsNamingThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "out.csv")
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
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
}

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
		Arg:    "-",
		Stdout: &failingWriter{limit: 1000},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	for _, b := range f.batches(0, 20000) {
		o.AddSamples(b)
	}
	if err := o.Stop(); !errors.Is(err, errDiskFull) {
		t.Fatalf("Stop() = %v, want the write error", err)
	}
	if !strings.Contains(logs.String(), "writing failed") {
		t.Fatalf("the failure was not logged when it happened; logs:\n%s", logs.String())
	}
}

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
	o, err := newOutput(output.Params{Arg: "-", Stdout: w, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o.queue = make(chan []metrics.SampleContainer, 4)
	o.addTimeout = 5 * time.Millisecond
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 4000
	batches := f.batches(0, n)
	began := time.Now()
	for _, b := range batches {
		o.AddSamples(b)
	}
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
		t.Fatal("the output does not end on a complete row")
	}
	rows := bytes.Count(content, []byte("\n")) - 1
	if int64(rows)+dropped != n {
		t.Fatalf("%d rows written + %d dropped != %d", rows, dropped, n)
	}
	if !strings.Contains(logs.String(), "dropped="+strconv.FormatInt(dropped, 10)) {
		t.Fatalf("the drop count was not reported; logs:\n%s", logs.String())
	}
}
