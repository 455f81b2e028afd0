package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

var _ output.Output = (*Output)(nil)

// Output is the web dashboard. Make it with NewOutput (or New); it is safe for concurrent
// use: AddSamples, the HTTP handlers and Stop serialise on one lock, held only to aggregate
// a batch or to copy numbers out.
type Output struct {
	cfg    Config
	logger *slog.Logger

	mu      sync.Mutex
	agg     *aggregator
	stopped bool

	runInfo runInfoCache

	srv       *http.Server
	url       string
	serveDone chan struct{}

	// onSnapshot, when set (by tests), is called after each snapshot served over HTTP.
	onSnapshot func(n int)
	served     int
}

// New makes the dashboard from `--out web-dashboard[=ARG]` and the K6_WEB_DASHBOARD_*
// environment (see ParseConfig). It has no threshold source; NewOutput takes one.
func New(p output.Params) (output.Output, error) {
	c, err := ParseConfig(p.Arg, p.Env)
	if err != nil {
		return nil, err
	}
	c.Logger = p.Logger
	return NewOutput(c)
}

// NewOutput makes the dashboard. It listens on nothing until Start.
func NewOutput(c Config) (*Output, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := &Output{cfg: c, logger: logger, agg: newAggregator(c.Period, c.MaxBuckets, c.MaxSeries)}
	o.agg.onCap = func(what string, limit int) {
		o.logger.Warn(fmt.Sprintf("dashboard: more than %d distinct %s: the others are drawn together as %q", limit, what, other))
	}
	return o, nil
}

// Description is shown in the run's banner: the page's address once started, and the
// report file when there is one.
func (o *Output) Description() string {
	d := "web-dashboard"
	switch {
	case o.url != "":
		d += " " + o.url
	case o.cfg.Port != NoServer:
		d += " http://" + net.JoinHostPort(o.cfg.Host, strconv.Itoa(o.cfg.Port))
	}
	if o.cfg.Export != "" {
		d += " (report: " + o.cfg.Export + ")"
	}
	return d
}

// URL is the live page's address, with the port actually bound ("" before Start, and when
// the port is NoServer).
func (o *Output) URL() string { return o.url }

// Start listens; an address in use is an error naming it.
func (o *Output) Start() error {
	if o.cfg.Port == NoServer {
		return nil
	}
	addr := net.JoinHostPort(o.cfg.Host, strconv.Itoa(o.cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web dashboard: listening on %s: %w", addr, err)
	}
	o.url = "http://" + ln.Addr().String()
	o.srv = &http.Server{
		Handler:           o.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(o.logger.Handler(), slog.LevelDebug),
	}
	o.serveDone = make(chan struct{})
	go func() {
		defer close(o.serveDone)
		if err := o.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.logger.Warn("web dashboard stopped serving", "error", err)
		}
	}()
	return nil
}

// AddSamples aggregates the batch under the lock: a map look-up and a few additions per
// sample, allocating only when a new period opens a bucket (see
// BenchmarkDashboardAddSamples: ~30 ns a sample).
func (o *Output) AddSamples(batch []metrics.SampleContainer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return
	}
	for _, sc := range batch {
		switch c := sc.(type) {
		case metrics.Sample:
			o.agg.add(&c)
		case metrics.Samples:
			for i := range c {
				o.agg.add(&c[i])
			}
		default:
			for _, s := range sc.GetSamples() {
				o.agg.add(&s)
			}
		}
	}
}

// Stop writes the report, when one is configured, and stops serving. Samples that arrive
// after it are ignored.
func (o *Output) Stop() error {
	o.mu.Lock()
	o.stopped = true
	o.mu.Unlock()
	var errs []error
	if o.cfg.Export != "" {
		if err := o.export(o.cfg.Export); err != nil {
			errs = append(errs, err)
		} else {
			o.logger.Info("web dashboard report written", "file", o.cfg.Export)
		}
	}
	if o.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := o.srv.Shutdown(ctx); err != nil {
			_ = o.srv.Close() // a page stuck mid-request does not hold the run
		}
		<-o.serveDone
	}
	return errors.Join(errs...)
}

// Snapshot returns what the page would draw now, thresholds included.
func (o *Output) Snapshot() *Snapshot {
	var ths []ThresholdResult
	if o.cfg.Thresholds != nil {
		ths = o.cfg.Thresholds() // before taking our lock: it takes the engine's
	}
	var info json.RawMessage
	if o.cfg.RunInfo != nil {
		info = o.runInfo.encode(o.cfg.RunInfo(), func(err error) {
			o.logger.Warn("web dashboard: the run's server and plan facts are left out of the page", "error", err)
		})
	}
	o.mu.Lock()
	s := o.agg.snapshot()
	s.Live = !o.stopped
	o.mu.Unlock()
	s.Title = metrics.EscapeControl(o.cfg.Title)
	s.Generated = time.Now().UnixMilli()
	for i := range ths {
		t := &ths[i]
		t.Key, t.Source, t.Value = metrics.EscapeControl(t.Key), metrics.EscapeControl(t.Source), metrics.EscapeControl(t.Value)
	}
	s.Thresholds = ths
	s.Neo4j = info
	if s.Thresholds == nil {
		s.Thresholds = []ThresholdResult{}
	}
	return s
}

// WriteReport writes the self-contained HTML report of the run so far: the page with the
// snapshot embedded, drawn by the same code as the live page, loading nothing.
func (o *Output) WriteReport(w io.Writer) error {
	data, err := json.Marshal(o.Snapshot()) // escapes <, > and &: safe inside <script>
	if err != nil {
		return fmt.Errorf("web dashboard: encoding the report's data: %w", err)
	}
	_, err = w.Write(reportPage(data))
	return err
}

// export writes the report next to its final name, then renames it, so that the file is
// never seen half-written.
func (o *Output) export(path string) error {
	var buf bytes.Buffer
	if err := o.WriteReport(&buf); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("web dashboard: writing report %s: %w", path, err)
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("web dashboard: writing report %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("web dashboard: writing report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("web dashboard: writing report %s: %w", path, err)
	}
	return nil
}
