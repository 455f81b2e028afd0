// Package csvout is `--out csv[=ARG]`: every sample as one CSV row, in the layout k6 writes
// (https://grafana.com/docs/k6/latest/results-output/real-time/csv/):
//
//	metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
//	neo4j_query_duration,1741064767,1.500000,,,,,,,q1,,default,,ok,,,,db=neo4j&mode=read,
//
// The value has six decimals. Tags with a column of their own fill it; the others go to
// extra_tags as `k=v&k2=v2`, in key order. The metadata column is always empty: our samples
// carry none. Fields are quoted as encoding/csv quotes them.
//
// # Settings
//
// k6's three, from the environment and then the argument (which wins):
//
//	fileName      K6_CSV_FILENAME       default file.csv; "-" is stdout; ".gz" gzips
//	saveInterval  K6_CSV_SAVE_INTERVAL  default 1s; "1m45s" or a number of milliseconds
//	timeFormat    K6_CSV_TIME_FORMAT    unix (default), unix_milli, unix_micro, unix_nano, rfc3339, rfc3339_nano
//
// The argument is a file name (`--out csv=results.csv.gz`) or settings
// (`--out csv=fileName=results.csv,timeFormat=rfc3339`). See ParseConfig.
//
// # Concurrency
//
// As for the JSON output: AddSamples may be called from any number of goroutines and hands
// batches to the goroutine that owns the file through a bounded channel, waiting at most a
// short while when it is full (then dropping, counting and warning). Rows are written out
// every saveInterval; Stop drains, flushes and closes, and the file ends on a complete row.
// Start writes the header, so even a run without samples leaves a valid file.
package csvout

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

const (
	queueBatches = 1024                   // batches waiting for the writer
	addTimeout   = 200 * time.Millisecond // longest AddSamples waits for room
	bufferSize   = 64 << 10
)

// Output writes CSV. Make it with New.
type Output struct {
	cfg    Config
	path   string // "" for stdout
	stdout io.Writer
	logger *slog.Logger
	enc    *encoder

	addTimeout time.Duration

	queue chan []metrics.SampleContainer
	quit  chan struct{} // closed by Stop
	done  chan struct{} // closed by the writer when the file is closed

	started  atomic.Bool
	stopOnce sync.Once
	stopErr  error

	dropped    atomic.Int64
	dropWarned atomic.Bool

	// Owned by the writer goroutine; read by Stop after done is closed.
	werr error
}

// New makes the output from `--out csv[=ARG]` and the K6_CSV_* environment; bad settings are
// an error wrapping ErrInvalidConfig. It opens nothing: Start does.
func New(p output.Params) (output.Output, error) {
	o, err := newOutput(p)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func newOutput(p output.Params) (*Output, error) {
	cfg, err := ParseConfig(p.Arg, p.Env)
	if err != nil {
		return nil, err
	}
	path := cfg.FileName
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
		cfg:        cfg,
		path:       path,
		stdout:     stdout,
		logger:     logger.With("output", "csv"),
		enc:        newEncoder(cfg.TimeFormat),
		addTimeout: addTimeout,
		queue:      make(chan []metrics.SampleContainer, queueBatches),
		quit:       make(chan struct{}),
		done:       make(chan struct{}),
	}, nil
}

// Description is "csv (PATH)" or "csv (stdout)".
func (o *Output) Description() string {
	if o.path == "" {
		return "csv (stdout)"
	}
	return "csv (" + o.path + ")"
}

// Start creates the file, writes the header and starts the writer.
func (o *Output) Start() error {
	if o.started.Load() {
		return errors.New("csv output: started twice")
	}
	d, err := openDest(o.path, o.stdout)
	if err != nil {
		return fmt.Errorf("csv output: %w", err)
	}
	if _, err := d.bw.WriteString(Header); err != nil {
		_ = d.close()
		return fmt.Errorf("csv output %s: %w", o.where(), err)
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
			o.stopErr = fmt.Errorf("csv output %s: %w", o.where(), o.werr)
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
	tick := time.NewTicker(o.cfg.SaveInterval)
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

// write encodes a batch row by row into the buffered writer. After the first error it only
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
	o.enc.buf = o.enc.appendRow(o.enc.buf[:0], s)
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

// dest is where rows go: a buffer over an optional gzip stream over a file or stdout.
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
