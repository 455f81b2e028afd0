// Package jsonout is `--out json[=FILE]`: every sample as one line of newline-delimited JSON,
// in the layout k6 documents for its JSON output
// (https://grafana.com/docs/k6/latest/results-output/real-time/json/).
//
// # Format
//
// The first time a metric is seen, a line describes it; then each sample is a Point line:
//
//	{"type":"Metric","data":{"name":"neo4j_query_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":null},"metric":"neo4j_query_duration"}
//	{"type":"Point","data":{"time":"2025-01-02T03:04:05.123456789Z","value":1.5,"tags":{"mode":"read","name":"q1"}},"metric":"neo4j_query_duration"}
//
// "thresholds" lists the sources of the thresholds set on the metric itself ([] when there are
// none); "submetrics" lists, for every threshold key with a tag selector on this metric,
// {"name":"metric{tag:value}","suffix":"tag:value","tags":{"tag":"value"}} (null when there are
// none). "time" is RFC 3339 with nanoseconds (trailing zeros dropped) in the sample's zone,
// "value" is a JSON number (null for NaN and ±Inf, which JSON cannot hold), "tags" is an
// object sorted by key, or null for a sample without tags.
//
// # Destination
//
// The argument is a file path; "" or "-" is the process's stdout. A path ending in ".gz" is
// gzip-compressed. The file is created (truncated) by Start, which fails, naming the path, when
// it cannot be.
//
// # Concurrency
//
// AddSamples may be called from any number of goroutines. It hands the batch to a goroutine
// that owns the file through a bounded channel; when that channel is full it waits at most
// a short while (a local file applies backpressure), then drops the batch, counts it and
// warns. Stop drains the channel, flushes, closes the gzip stream and the file, and the file
// ends on a complete line.
package jsonout

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

var _ output.Output = (*Output)(nil)

// Tuning. A batch is whatever the engine hands over at once (usually many samples), so the
// channel holds a lot of samples; the writer empties it in microseconds per batch unless the
// disk stalls.
const (
	queueBatches  = 1024                   // batches waiting for the writer
	addTimeout    = 200 * time.Millisecond // longest AddSamples waits for room
	flushInterval = time.Second            // so `tail -f` sees lines while the test runs
	bufferSize    = 64 << 10
)

// Output writes NDJSON. Make it with New.
type Output struct {
	path   string // "" for stdout
	stdout io.Writer
	logger *slog.Logger
	enc    *encoder

	addTimeout    time.Duration
	flushInterval time.Duration

	queue chan []metrics.SampleContainer
	quit  chan struct{} // closed by Stop
	done  chan struct{} // closed by the writer when the file is closed

	started  atomic.Bool
	stopOnce sync.Once
	stopErr  error

	dropped    atomic.Int64 // samples dropped because the queue stayed full
	dropWarned atomic.Bool

	// Owned by the writer goroutine; read by Stop after done is closed.
	werr error
}

// New makes the output from `--out json[=ARG]`. It opens nothing: Start does.
func New(p output.Params) (output.Output, error) {
	return newOutput(p), nil
}

func newOutput(p output.Params) *Output {
	path := p.Arg
	if path == "-" {
		path = ""
	}
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	stdout := p.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	return &Output{
		path:          path,
		stdout:        stdout,
		logger:        logger.With("output", "json"),
		enc:           newEncoder(p.Thresholds),
		addTimeout:    addTimeout,
		flushInterval: flushInterval,
		queue:         make(chan []metrics.SampleContainer, queueBatches),
		quit:          make(chan struct{}),
		done:          make(chan struct{}),
	}
}

// Description is "json (PATH)" or "json (stdout)".
func (o *Output) Description() string {
	if o.path == "" {
		return "json (stdout)"
	}
	return "json (" + o.path + ")"
}

// Start creates the file and starts the writer.
func (o *Output) Start() error {
	if o.started.Load() {
		return errors.New("json output: started twice")
	}
	d, err := openDest(o.path, o.stdout)
	if err != nil {
		return fmt.Errorf("json output: %w", err)
	}
	go o.run(d)
	o.started.Store(true)
	return nil
}

// AddSamples queues the batch for the writer. The slice is copied; the containers must not
// change afterwards (samples are values, tag sets immutable).
func (o *Output) AddSamples(batch []metrics.SampleContainer) {
	if len(batch) == 0 || !o.started.Load() {
		return
	}
	b := slices.Clone(batch)
	select {
	case o.queue <- b:
		return
	case <-o.done: // Stop has run: nothing more can be written
		return
	default:
	}
	t := time.NewTimer(o.addTimeout)
	defer t.Stop()
	select {
	case o.queue <- b:
	case <-o.done:
	case <-t.C:
		o.drop(b)
	}
}

func (o *Output) drop(b []metrics.SampleContainer) {
	n := 0
	for _, c := range b {
		n += len(c.GetSamples())
	}
	o.dropped.Add(int64(n))
	if o.dropWarned.CompareAndSwap(false, true) {
		o.logger.Warn("the writer is falling behind; dropping samples (the total is reported at the end)",
			"file", o.Description(), "waited", o.addTimeout)
	}
}

// Stop writes what is queued, then flushes and closes. A write error met at any point of the
// run is returned here (and logged when it happened), naming the file.
func (o *Output) Stop() error {
	o.stopOnce.Do(func() {
		if !o.started.Load() {
			return
		}
		close(o.quit)
		<-o.done
		if n := o.dropped.Load(); n > 0 {
			o.logger.Warn("samples dropped because the writer fell behind", "file", o.Description(), "dropped", n)
		}
		if o.werr != nil {
			o.stopErr = fmt.Errorf("json output %s: %w", o.where(), o.werr)
		}
	})
	return o.stopErr
}

func (o *Output) where() string {
	if o.path == "" {
		return "stdout"
	}
	return fmt.Sprintf("%q", o.path)
}

// run is the writer goroutine: the only one that touches the encoder and the destination.
func (o *Output) run(d *dest) {
	defer close(o.done)
	tick := time.NewTicker(o.flushInterval)
	defer tick.Stop()
	for {
		select {
		case b := <-o.queue:
			o.write(d, b)
		case <-tick.C:
			if o.werr == nil {
				o.fail(d.bw.Flush())
			}
		case <-o.quit:
			for {
				select {
				case b := <-o.queue:
					o.write(d, b)
				default:
					o.fail(d.close())
					return
				}
			}
		}
	}
}

// write encodes a batch line by line into the buffered writer. After the first error it only
// drains, so AddSamples never waits on a broken destination.
func (o *Output) write(d *dest, batch []metrics.SampleContainer) {
	if o.werr != nil {
		return
	}
	for _, c := range batch {
		switch c := c.(type) {
		case metrics.Sample: // GetSamples would allocate a one-element slice
			o.writeSample(d, &c)
		default:
			ss := c.GetSamples()
			for i := range ss {
				o.writeSample(d, &ss[i])
			}
		}
		if o.werr != nil {
			return
		}
	}
}

func (o *Output) writeSample(d *dest, s *metrics.Sample) {
	if s.Metric == nil || o.werr != nil {
		return
	}
	if line := o.enc.metricLine(s.Metric); line != nil {
		if _, err := d.bw.Write(line); err != nil {
			o.fail(err)
			return
		}
	}
	o.enc.buf = o.enc.appendPoint(o.enc.buf[:0], s)
	if _, err := d.bw.Write(o.enc.buf); err != nil {
		o.fail(err)
	}
}

// fail records the first write error and logs it once; the run goes on without this output.
func (o *Output) fail(err error) {
	if err == nil || o.werr != nil {
		return
	}
	o.werr = err
	o.logger.Error("writing failed; no more samples will be written", "file", o.Description(), "error", err)
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
