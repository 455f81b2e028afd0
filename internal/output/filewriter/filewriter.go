// Package filewriter is the machinery the file outputs (json, csv) share: a goroutine that owns
// a file, or stdout, and is fed samples through a bounded channel so that AddSamples never
// stalls the VUs. An output brings only its encoding (Config.Encode, and Config.Header for a
// first line) and its settings.
//
// # Destination
//
// Config.Path is a file path; "" or "-" is the process's stdout. A path ending in ".gz" is
// gzip-compressed. The file is created (truncated) by Start, which fails, naming the path, when
// it cannot be; Start then writes Config.Header, so even a run without samples leaves a
// complete file.
//
// # Concurrency
//
// AddSamples may be called from any number of goroutines. It hands the batch to the goroutine
// that owns the file through a bounded channel; when that channel is full it waits at most a
// short while (Config.AddTimeout: a local file applies backpressure), then drops the batch,
// counts its samples and warns once. The writer flushes every Config.FlushInterval, so
// `tail -f` sees lines while the test runs. Stop drains the channel, flushes, closes the gzip
// stream and the file, reports what was dropped and returns the first write error; as Encode
// writes whole lines, the file ends on a complete line.
package filewriter

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

var _ output.Output = (*Writer)(nil)

// Tuning. A batch is whatever the engine hands over at once (usually many samples), so the
// channel holds a lot of samples; the writer empties it in microseconds per batch unless the
// disk stalls.
const (
	queueBatches         = 1024                   // batches waiting for the writer
	defaultAddTimeout    = 200 * time.Millisecond // longest AddSamples waits for room
	defaultFlushInterval = time.Second            // so `tail -f` sees lines while the test runs
	bufferSize           = 64 << 10
)

// Config is what a Writer is made from.
type Config struct {
	// Name is the output's name, e.g. "json": the description is "NAME (PATH)" or
	// "NAME (stdout)", errors begin "NAME output" and log lines carry output=NAME.
	Name string
	// Path is the file; "" or "-" is Stdout. A path ending in ".gz" is gzipped.
	Path string
	// Stdout is the process's stdout (nil discards).
	Stdout io.Writer
	// Logger gets the warnings and errors (nil discards).
	Logger *slog.Logger
	// Header, when not empty, is written by Start before any sample (CSV's column names).
	Header string
	// Encode writes one sample, whose Metric is never nil, as whole lines. It is called only
	// from the writer goroutine, one sample at a time, so it may keep state (a buffer, the
	// metrics already described) without locking; it must not keep s. Its first error stops
	// the writing: it is logged, and Stop returns it.
	Encode func(w *bufio.Writer, s *metrics.Sample) error
	// FlushInterval is how often buffered lines are written out; zero is a second.
	FlushInterval time.Duration
	// AddTimeout is the longest AddSamples waits for room before it drops the batch; zero is
	// 200ms.
	AddTimeout time.Duration
}

// Writer is an output writing lines to a file or stdout. Make it with New.
type Writer struct {
	name   string
	path   string // "" for stdout
	stdout io.Writer
	logger *slog.Logger
	header string
	encode func(*bufio.Writer, *metrics.Sample) error

	addTimeout    time.Duration
	flushInterval time.Duration

	queue chan []metrics.SampleContainer
	quit  chan struct{} // closed by Stop
	done  chan struct{} // closed by the writer when the file is closed

	started  atomic.Bool
	stopOnce sync.Once
	stopErr  error

	dropped    atomic.Int64 // samples dropped because the queue stayed full
	pending    atomic.Int64 // samples queued and not yet written
	dropWarned atomic.Bool

	// Owned by the writer goroutine; werr is read by Stop after done is closed.
	werr   error
	sample metrics.Sample // a lone Sample being written: &c of a local would escape to the heap through Encode
}

// New makes the writer. It opens nothing: Start does.
func New(c Config) *Writer {
	path := c.Path
	if path == "-" {
		path = ""
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	stdout := c.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	addTimeout := c.AddTimeout
	if addTimeout <= 0 {
		addTimeout = defaultAddTimeout
	}
	flushInterval := c.FlushInterval
	if flushInterval <= 0 {
		flushInterval = defaultFlushInterval
	}
	return &Writer{
		name:          c.Name,
		path:          path,
		stdout:        stdout,
		logger:        logger.With("output", c.Name),
		header:        c.Header,
		encode:        c.Encode,
		addTimeout:    addTimeout,
		flushInterval: flushInterval,
		queue:         make(chan []metrics.SampleContainer, queueBatches),
		quit:          make(chan struct{}),
		done:          make(chan struct{}),
	}
}

// Description is "NAME (PATH)" or "NAME (stdout)".
func (w *Writer) Description() string {
	if w.path == "" {
		return w.name + " (stdout)"
	}
	return w.name + " (" + w.path + ")"
}

// Start creates the file, writes the header and starts the writer.
func (w *Writer) Start() error {
	if w.started.Load() {
		return errors.New(w.name + " output: started twice")
	}
	d, err := openDest(w.path, w.stdout)
	if err != nil {
		return fmt.Errorf("%s output: %w", w.name, err)
	}
	if w.header != "" {
		if _, err := d.bw.WriteString(w.header); err != nil {
			_ = d.close()
			return fmt.Errorf("%s output %s: %w", w.name, w.where(), err)
		}
	}
	go w.run(d)
	w.started.Store(true)
	return nil
}

// AddSamples queues the batch for the writer. The slice is copied; the containers must not
// change afterwards (samples are values, tag sets immutable).
func (w *Writer) AddSamples(batch []metrics.SampleContainer) {
	if len(batch) == 0 || !w.started.Load() {
		return
	}
	b := slices.Clone(batch)
	n := samplesIn(b)
	w.pending.Add(n) // before the hand-over: the writer subtracts as soon as it has the batch
	select {
	case w.queue <- b:
		return
	case <-w.done: // Stop has run: nothing more can be written
		w.pending.Add(-n)
		return
	default:
	}
	t := time.NewTimer(w.addTimeout)
	defer t.Stop()
	select {
	case w.queue <- b:
	case <-w.done:
		w.pending.Add(-n)
	case <-t.C:
		w.pending.Add(-n)
		w.drop(b)
	}
}

// Pending is how many samples were handed to the writer and are not written yet: after a
// Stop that did not finish (a disk or pipe that takes no more data), the ones lost.
func (w *Writer) Pending() int64 { return w.pending.Load() }

func samplesIn(b []metrics.SampleContainer) int64 {
	n := 0
	for _, c := range b {
		if _, one := c.(metrics.Sample); one { // GetSamples would allocate a one-element slice
			n++
			continue
		}
		n += len(c.GetSamples())
	}
	return int64(n)
}

// Dropped is how many samples were dropped because the writer fell behind; the engine adds
// it to what it reports for this output.
func (w *Writer) Dropped() int64 { return w.dropped.Load() }

func (w *Writer) drop(b []metrics.SampleContainer) {
	w.dropped.Add(samplesIn(b))
	if w.dropWarned.CompareAndSwap(false, true) {
		w.logger.Warn("the writer is falling behind; dropping samples (the total is reported at the end)",
			"file", w.Description(), "waited", w.addTimeout)
	}
}

// Stop writes what is queued, then flushes and closes. A write error met at any point of the
// run is returned here (and logged when it happened), naming the file.
func (w *Writer) Stop() error {
	w.stopOnce.Do(func() {
		if !w.started.Load() {
			return
		}
		close(w.quit)
		<-w.done
		if n := w.dropped.Load(); n > 0 {
			w.logger.Warn("samples dropped because the writer fell behind", "file", w.Description(), "dropped", n)
		}
		if w.werr != nil {
			w.stopErr = fmt.Errorf("%s output %s: %w", w.name, w.where(), w.werr)
		}
	})
	return w.stopErr
}

func (w *Writer) where() string {
	if w.path == "" {
		return "stdout"
	}
	return fmt.Sprintf("%q", w.path)
}

// run is the writer goroutine: the only one that calls Encode and touches the destination.
func (w *Writer) run(d *dest) {
	defer close(w.done)
	tick := time.NewTicker(w.flushInterval)
	defer tick.Stop()
	for {
		select {
		case b := <-w.queue:
			w.write(d, b)
		case <-tick.C:
			if w.werr == nil {
				w.fail(d.bw.Flush())
			}
		case <-w.quit:
			for {
				select {
				case b := <-w.queue:
					w.write(d, b)
				default:
					w.fail(d.close())
					return
				}
			}
		}
	}
}

// write encodes a batch sample by sample into the buffered writer. After the first error it
// only drains, so AddSamples never waits on a broken destination.
func (w *Writer) write(d *dest, batch []metrics.SampleContainer) {
	defer w.pending.Add(-samplesIn(batch))
	if w.werr != nil {
		return
	}
	for _, c := range batch {
		switch c := c.(type) {
		case metrics.Sample: // GetSamples would allocate a one-element slice
			w.sample = c
			w.writeSample(d, &w.sample)
		default:
			ss := c.GetSamples()
			for i := range ss {
				w.writeSample(d, &ss[i])
			}
		}
		if w.werr != nil {
			return
		}
	}
}

func (w *Writer) writeSample(d *dest, s *metrics.Sample) {
	if s.Metric == nil || w.werr != nil {
		return
	}
	w.fail(w.encode(d.bw, s))
}

// fail records the first write error and logs it once; the run goes on without this output.
func (w *Writer) fail(err error) {
	if err == nil || w.werr != nil {
		return
	}
	w.werr = err
	w.logger.Error("writing failed; no more samples will be written", "file", w.Description(), "error", err)
}

// dest is where lines go: a buffer over an optional gzip stream over a file or stdout.
type dest struct {
	bw *bufio.Writer
	gz *gzip.Writer // nil unless the path ends in .gz
	f  *os.File     // nil for stdout, which is not ours to close
}

func openDest(path string, stdout io.Writer) (*dest, error) {
	if path == "" {
		return &dest{bw: bufio.NewWriterSize(stdout, bufferSize)}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err // an *fs.PathError: it names the path
	}
	d := &dest{f: f}
	var w io.Writer = f
	if strings.HasSuffix(path, ".gz") {
		d.gz = gzip.NewWriter(f)
		w = d.gz
	}
	d.bw = bufio.NewWriterSize(w, bufferSize)
	return d, nil
}

// close flushes every layer and closes the file; it reports the first failure but always
// closes the file.
func (d *dest) close() error {
	err := d.bw.Flush()
	if d.gz != nil {
		err = errors.Join(err, d.gz.Close())
	}
	if d.f != nil {
		err = errors.Join(err, d.f.Close())
	}
	return err
}
