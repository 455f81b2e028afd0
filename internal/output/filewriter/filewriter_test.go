package filewriter

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The test format has what the real ones have: a header (CSV's) and a line describing each
// metric before its first sample (JSON's), so an Encode call may write more than one line.
//
//	header
//	metric NAME
//	sample NAME VALUE TIME TAGS
const testHeader = "header\n"

// lineEncoder is the test format's Encode; like the real encoders it keeps state (the metrics
// described) that only the writer goroutine touches.
type lineEncoder struct {
	described map[*metrics.Metric]bool
	buf       []byte
}

func newLineEncoder() *lineEncoder {
	return &lineEncoder{described: map[*metrics.Metric]bool{}}
}

func (e *lineEncoder) encode(w *bufio.Writer, s *metrics.Sample) error {
	if !e.described[s.Metric] {
		e.described[s.Metric] = true
		if _, err := w.WriteString("metric " + s.Metric.Name + "\n"); err != nil {
			return err
		}
	}
	b := append(e.buf[:0], "sample "...)
	b = append(b, s.Metric.Name...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, s.Value, 'f', -1, 64)
	b = append(b, ' ')
	b = s.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, ' ')
	for i, t := range s.Tags.Tags() {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, t.Key...)
		b = append(b, '=')
		b = append(b, t.Value...)
	}
	b = append(b, '\n')
	e.buf = b
	_, err := w.Write(b)
	return err
}

// newWriter makes a Writer of the test format ("test" output, with the header).
func newWriter(c Config) *Writer {
	c.Name = "test"
	c.Header = testHeader
	c.Encode = newLineEncoder().encode
	return New(c)
}

func start(t testing.TB, c Config) *Writer {
	t.Helper()
	w := newWriter(c)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

// newFixture's samples are a microsecond apart; but for one in ten, they have two tags.
func newFixture(t testing.TB) outputtest.Fixture {
	return outputtest.NewFixture(t, time.Microsecond, func(i int) map[string]string {
		return map[string]string{"name": "q" + strconv.Itoa(i%7), "status": []string{"ok", "error"}[i%2]}
	})
}

// checkFile checks the content is the header, then samples [0, n) of f exactly once, each
// metric described once before its first sample, and that it ends on a complete line.
func checkFile(t *testing.T, content []byte, f outputtest.Fixture, n int) {
	t.Helper()
	rest, ok := bytes.CutPrefix(content, []byte(testHeader))
	if !ok {
		t.Fatalf("the file does not start with the header: %q", content[:min(len(content), 80)])
	}
	if n == 0 {
		if len(rest) != 0 {
			t.Fatalf("want the header alone, got %q", content)
		}
		return
	}
	if rest[len(rest)-1] != '\n' {
		t.Fatalf("the file does not end on a complete line: ...%q", rest[max(0, len(rest)-80):])
	}
	described := map[string]bool{}
	seen := make([]bool, n)
	for ln, line := range strings.Split(strings.TrimSuffix(string(rest), "\n"), "\n") {
		ln += 2 // the header is line 1
		kind, fields, _ := strings.Cut(line, " ")
		switch kind {
		case "metric":
			if described[fields] {
				t.Fatalf("line %d: %s described twice", ln, fields)
			}
			described[fields] = true
		case "sample":
			parts := strings.Split(fields, " ")
			if len(parts) != 4 {
				t.Fatalf("line %d: %q", ln, line)
			}
			if !described[parts[0]] {
				t.Fatalf("line %d: a sample of %s before its metric line", ln, parts[0])
			}
			v, err := strconv.ParseFloat(parts[1], 64)
			if err != nil {
				t.Fatalf("line %d: %v", ln, err)
			}
			i := int(v)
			if i < 0 || i >= n || v != float64(i)+0.5 {
				t.Fatalf("line %d: value %v is no sample of the test", ln, v)
			}
			if seen[i] {
				t.Fatalf("line %d: sample %d written twice", ln, i)
			}
			seen[i] = true
			want := f.Sample(i)
			var tags []string
			for _, tag := range want.Tags.Tags() {
				tags = append(tags, tag.Key+"="+tag.Value)
			}
			if parts[0] != want.Metric.Name || parts[2] != want.Time.Format(time.RFC3339Nano) || parts[3] != strings.Join(tags, "&") {
				t.Fatalf("line %d: sample %d is %q, want %s %s %v", ln, i, line, want.Metric.Name, want.Time, tags)
			}
		default:
			t.Fatalf("line %d: %q", ln, line)
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("sample %d missing", i)
		}
	}
}

func TestEverySampleOnce(t *testing.T) {
	for _, name := range []string{"out.txt", "out.txt.gz"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), name)
			w := start(t, Config{Path: path})
			const n = 5000
			for _, b := range f.Batches(0, n) {
				w.AddSamples(b)
			}
			if err := w.Stop(); err != nil {
				t.Fatal(err)
			}
			checkFile(t, outputtest.ReadFile(t, path), f, n)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if gz := raw[0] == 0x1f && raw[1] == 0x8b; gz != strings.HasSuffix(name, ".gz") {
				t.Fatalf("gzip magic % x for %s", raw[:2], name)
			}
		})
	}
}

func TestSampleWithoutMetricIsSkipped(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	w := start(t, Config{Stdout: &out})
	w.AddSamples([]metrics.SampleContainer{
		metrics.Sample{Value: 7},
		f.Sample(0),
		metrics.Samples{{Value: 8}, f.Sample(1)},
	})
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out.Bytes(), f, 2)
}

func TestStdout(t *testing.T) {
	for _, path := range []string{"", "-"} {
		t.Run(strconv.Quote(path), func(t *testing.T) {
			f := newFixture(t)
			var out bytes.Buffer
			w := start(t, Config{Path: path, Stdout: &out})
			if got := w.Description(); got != "test (stdout)" {
				t.Fatalf("Description() = %q", got)
			}
			for _, b := range f.Batches(0, 100) {
				w.AddSamples(b)
			}
			if err := w.Stop(); err != nil {
				t.Fatal(err)
			}
			checkFile(t, out.Bytes(), f, 100)
		})
	}
}

func TestDescription(t *testing.T) {
	if got := newWriter(Config{Path: "results.txt.gz"}).Description(); got != "test (results.txt.gz)" {
		t.Fatalf("Description() = %q", got)
	}
}

func TestEmptyRun(t *testing.T) {
	for _, name := range []string{"out.txt", "out.txt.gz"} {
		for _, header := range []string{"", testHeader} {
			t.Run(name+"/header="+strconv.Quote(header), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), name)
				w := New(Config{Name: "test", Path: path, Header: header, Encode: newLineEncoder().encode})
				if err := w.Start(); err != nil {
					t.Fatal(err)
				}
				if err := w.Stop(); err != nil {
					t.Fatal(err)
				}
				if got := string(outputtest.ReadFile(t, path)); got != header {
					t.Fatalf("content %q, want %q", got, header)
				}
			})
		}
	}
}

func TestFlushIntervalWritesWhileRunning(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.txt")
	w := start(t, Config{Path: path, FlushInterval: 20 * time.Millisecond})
	defer w.Stop()
	w.AddSamples([]metrics.SampleContainer{f.Sample(1)})
	deadline := time.Now().Add(5 * time.Second)
	for {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(raw, []byte("\n")) == 3 {
			return // header, metric and sample, before Stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5s the file holds %q", raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDefaults(t *testing.T) {
	w := New(Config{Name: "test"})
	if w.addTimeout != 200*time.Millisecond || w.flushInterval != time.Second || cap(w.queue) != 1024 {
		t.Fatalf("addTimeout %v, flushInterval %v, queue %d", w.addTimeout, w.flushInterval, cap(w.queue))
	}
	w = New(Config{Name: "test", AddTimeout: time.Minute, FlushInterval: time.Hour})
	if w.addTimeout != time.Minute || w.flushInterval != time.Hour {
		t.Fatalf("addTimeout %v, flushInterval %v", w.addTimeout, w.flushInterval)
	}
}

// The writer adds no allocation of its own per sample (Encode is called through a func value:
// a lone Sample passed by address must not escape to the heap on each call).
func TestWriteAllocatesNothingPerSample(t *testing.T) {
	f := newFixture(t)
	d, err := openDest("", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w := newWriter(Config{})
	var batch []metrics.SampleContainer
	for i := range 64 {
		batch = append(batch, f.Sample(i))
	}
	batch = append(batch, metrics.Samples{f.Sample(64), f.Sample(65)})
	w.write(d, batch) // every metric described, the buffers grown
	if n := testing.AllocsPerRun(100, func() { w.write(d, batch) }); n != 0 {
		t.Fatalf("%v allocations per batch", n)
	}
}

func TestConcurrentAddSamples(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.txt.gz")
	// This test wants every sample; the drop path has its own test.
	w := newWriter(Config{Path: path, AddTimeout: time.Minute})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	const workers, per = 8, 2000
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			for _, b := range f.Batches(i*per, (i+1)*per) {
				w.AddSamples(b)
			}
		})
	}
	wg.Wait()
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, outputtest.ReadFile(t, path), f, workers*per)
}

func TestStopIsIdempotentAndSafeBeforeStart(t *testing.T) {
	f := newFixture(t)
	w := newWriter(Config{Path: filepath.Join(t.TempDir(), "never.txt")})
	w.AddSamples([]metrics.SampleContainer{f.Sample(1)}) // before Start: ignored
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	w2 := start(t, Config{Path: filepath.Join(t.TempDir(), "twice.txt")})
	if err := w2.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Stop(); err != nil {
		t.Fatal(err)
	}
	w2.AddSamples([]metrics.SampleContainer{f.Sample(1)}) // after Stop: returns at once
}

func TestStartTwice(t *testing.T) {
	w := start(t, Config{Path: filepath.Join(t.TempDir(), "out.txt")})
	defer w.Stop()
	if err := w.Start(); err == nil || err.Error() != "test output: started twice" {
		t.Fatalf("second Start() = %v", err)
	}
}

func TestStartFailsNamingThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "out.txt")
	w := newWriter(Config{Path: path})
	err := w.Start()
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Start() = %v, want fs.ErrNotExist", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("Start() = %v, want a *fs.PathError for %s", err, path)
	}
	if !strings.HasPrefix(err.Error(), "test output: open "+path+": ") {
		t.Fatalf("Start() = %q", err)
	}
	if err := w.Stop(); err != nil { // the host stops what it could not start: harmless
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

func TestHeaderWriteErrorFailsStart(t *testing.T) {
	header := strings.Repeat("h", bufferSize) + "\n" // more than the buffer: it goes out at once
	w := New(Config{Name: "test", Stdout: &failingWriter{limit: 1000}, Header: header, Encode: newLineEncoder().encode})
	err := w.Start()
	if !errors.Is(err, errDiskFull) || err.Error() != "test output stdout: disk full" {
		t.Fatalf("Start() = %v, want the write error", err)
	}
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteErrorReportedByStop(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	w := start(t, Config{
		Stdout: &failingWriter{limit: 1000},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	for _, b := range f.Batches(0, 20000) { // ~1.7 MB: far past the buffer and the limit
		w.AddSamples(b)
	}
	err := w.Stop()
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("Stop() = %v, want the write error", err)
	}
	if err.Error() != "test output stdout: disk full" {
		t.Fatalf("Stop() = %q", err)
	}
	if !strings.Contains(logs.String(), "writing failed") {
		t.Fatalf("the failure was not logged when it happened; logs:\n%s", logs.String())
	}
	if strings.Count(logs.String(), "writing failed") != 1 || !strings.Contains(logs.String(), `output=test file="test (stdout)" error="disk full"`) {
		t.Fatalf("the failure was not logged once, naming the output; logs:\n%s", logs.String())
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
	sw := &stallingWriter{release: make(chan struct{})}
	var logs bytes.Buffer
	w := newWriter(Config{Stdout: sw, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	w.queue = make(chan []metrics.SampleContainer, 4)
	w.addTimeout = 5 * time.Millisecond
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 4000 // ~340 kB: the writer stalls once its 64 KiB buffer is full
	batches := f.Batches(0, n)
	began := time.Now()
	for _, b := range batches {
		w.AddSamples(b)
	}
	// Each call waits at most addTimeout; with a stalled writer most of them do.
	if el, limit := time.Since(began), time.Duration(len(batches))*(w.addTimeout+50*time.Millisecond); el > limit {
		t.Fatalf("AddSamples took %v for %d batches", el, len(batches))
	}
	dropped := w.dropped.Load()
	if dropped == 0 {
		t.Fatal("nothing dropped although the writer was stalled")
	}
	close(sw.release)
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	content := sw.buf.Bytes()
	if content[len(content)-1] != '\n' {
		t.Fatal("the output does not end on a complete line")
	}
	samples := bytes.Count(content, []byte("\nsample "))
	if int64(samples)+dropped != n {
		t.Fatalf("%d samples written + %d dropped != %d", samples, dropped, n)
	}
	if !strings.Contains(logs.String(), "dropped="+strconv.FormatInt(dropped, 10)) {
		t.Fatalf("the drop count was not reported; logs:\n%s", logs.String())
	}
	if strings.Count(logs.String(), "the writer is falling behind") != 1 || !strings.Contains(logs.String(), "waited=5ms") {
		t.Fatalf("the first drop was not warned about once; logs:\n%s", logs.String())
	}
}

// blockedWriter takes no data until released, as a pipe nobody reads.
type blockedWriter struct{ release chan struct{} }

func (w blockedWriter) Write(p []byte) (int, error) { <-w.release; return len(p), nil }

// Samples handed to a writer whose destination takes no more data are Pending: what the
// run reports as dropped when it gives up on the output. Written ones are not.
func TestPendingCountsWhatIsNotWritten(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	w := start(t, Config{Path: "-", Stdout: &out})
	for _, b := range f.Batches(0, 50) {
		w.AddSamples(b)
	}
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}
	if n := w.Pending(); n != 0 {
		t.Fatalf("Pending after a complete Stop = %d, want 0", n)
	}

	bw := blockedWriter{make(chan struct{})}
	defer close(bw.release)
	w = start(t, Config{Path: "-", Stdout: bw})
	total := 0
	for _, b := range f.Batches(0, 5000) { // more than the 64 KiB buffer holds: the writer blocks
		w.AddSamples(b)
		for _, c := range b {
			total += len(c.GetSamples())
		}
	}
	stopped := make(chan struct{})
	go func() { _ = w.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned although the destination took nothing")
	case <-time.After(300 * time.Millisecond):
	}
	if p, d := w.Pending(), w.Dropped(); p <= 0 || p+d > int64(total) {
		t.Fatalf("Pending %d, Dropped %d of %d samples: want the unwritten ones pending", p, d, total)
	}
}
