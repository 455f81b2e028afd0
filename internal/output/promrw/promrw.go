package promrw

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Name is the output's --out name, k6's.
const Name = "experimental-prometheus-rw"

var _ output.Output = (*Output)(nil)

// Tuning.
const (
	// maxSeries caps the series the output tracks; each costs a few hundred bytes, a trend up
	// to a few tens of KiB (its TrendSink).
	maxSeries = 10_000
	// maxTagValues caps the distinct values of each tag key (query names above all); later
	// ones are sent as "(other)", so a script that names queries after their parameters
	// makes a bounded number of series rather than hitting maxSeries and losing new ones.
	maxTagValues = metrics.MaxDistinctValues
	// maxSeriesPerRequest cuts a large push into several requests, to stay well below the
	// request size receivers accept.
	maxSeriesPerRequest = 5_000
	// The longest one push (all its requests and retries) may take: the push interval, but at
	// least minPushTimeout and at most maxPushTimeout.
	minPushTimeout = time.Second
	maxPushTimeout = 30 * time.Second
)

// Output is `--out experimental-prometheus-rw`. Make it with New.
type Output struct {
	cfg    Config
	logger *slog.Logger
	client *client
	now    func() time.Time

	pushTimeout time.Duration
	maxSeries   int

	// mu guards what AddSamples touches.
	mu      sync.Mutex
	cur     *interval // the deltas of the interval in progress
	spare   *interval // the previous one, emptied, for the next swap
	hasher  maphash.Hash
	limiter *metrics.TagLimiter // folds tag values past the cap per key into (other)
	started bool
	stopped bool

	starting atomic.Bool     // set by the first Start
	quit     chan struct{}   // closed by Stop
	ctx      context.Context // the context of the periodic pushes, cancelled by Stop
	cancel   context.CancelFunc
	done     chan struct{} // closed by the pusher when it has made its last push
	stopOnce sync.Once
	stopErr  error

	// Owned by the pusher goroutine (and by Stop after done is closed).
	series  map[string]*series
	keyBuf  strings.Builder
	lastMs  int64 // timestamp of the last push, so that each push is later than the previous
	batch   []timeSeries
	sent    []*series // the series in batch
	vals    []float64
	raw     []byte
	payload []byte
	snappy  snappyEncoder
	lastErr error

	pushes        atomic.Int64 // pushes attempted
	dropped       atomic.Int64 // pushes that failed (their values are superseded by the next push)
	dropWarned    atomic.Bool
	seriesDropped atomic.Int64 // samples of new series past maxSeries
	seriesWarned  atomic.Bool
}

// New makes the output from `--out experimental-prometheus-rw` and the K6_PROMETHEUS_RW_*
// settings in p.Env. It fails, naming each bad setting, when one is invalid; it contacts no
// one: Start does.
func New(p output.Params) (output.Output, error) {
	return newOutput(p)
}

func newOutput(p output.Params) (*Output, error) {
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("output", Name)
	if p.Arg != "" {
		return nil, fmt.Errorf("%w: %s takes no argument (got %q): set the endpoint with %s",
			ErrInvalidConfig, Name, p.Arg, envServerURL)
	}
	cfg, unknown, err := ConfigFromEnv(p.Env)
	if err != nil {
		return nil, err
	}
	for _, name := range unknown {
		logger.Warn("unknown setting ignored", "setting", name)
	}
	cl, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	o := &Output{
		cfg:         cfg,
		logger:      logger,
		client:      cl,
		now:         time.Now,
		pushTimeout: min(max(cfg.PushInterval, minPushTimeout), maxPushTimeout),
		maxSeries:   maxSeries,
		cur:         newInterval(),
		spare:       newInterval(),
		quit:        make(chan struct{}),
		done:        make(chan struct{}),
		series:      map[string]*series{},
	}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	o.hasher.SetSeed(maphash.MakeSeed())
	o.limiter = metrics.NewTagLimiter(maxTagValues)
	o.limiter.OnCap = func(key string, limit int) {
		o.logger.Warn(fmt.Sprintf("tag %q has more than %d distinct values (or there are more than that many tag keys): further values are sent as %q, so the series stay bounded",
			key, limit, metrics.Other))
	}
	return o, nil
}

// Description is "experimental-prometheus-rw (URL)", the URL without any password.
func (o *Output) Description() string {
	return Name + " (" + o.client.redacted + ")"
}

// Start checks that the endpoint takes writes, by sending an empty one (as the spec has
// senders do to learn what a receiver supports), then starts pushing every push interval. An
// endpoint that cannot be reached or refuses the write is an error naming its URL (never a
// password).
func (o *Output) Start() error {
	if !o.starting.CompareAndSwap(false, true) {
		return errors.New(Name + " output: started twice")
	}
	// No lock is held here: the check may take up to a push timeout.
	ctx, cancel := context.WithTimeout(context.Background(), o.pushTimeout)
	defer cancel()
	if _, err := o.client.post(ctx, o.snappy.encode(nil, nil)); err != nil {
		return fmt.Errorf("%s output: %w", Name, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return errors.New(Name + " output: started after Stop")
	}
	o.started = true
	go o.run()
	return nil
}

// AddSamples folds the batch into the current interval under a lock held only for that; it
// never waits on the network. Samples without a metric, and NaN values (which would poison a
// sum for the rest of the run), are skipped.
func (o *Output) AddSamples(batch []metrics.SampleContainer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.started || o.stopped {
		return
	}
	for _, c := range batch {
		switch c := c.(type) {
		case metrics.Sample: // GetSamples would allocate a one-element slice
			o.add(&c)
		case metrics.Samples:
			for i := range c {
				o.add(&c[i])
			}
		default:
			ss := c.GetSamples()
			for i := range ss {
				o.add(&ss[i])
			}
		}
	}
}

func (o *Output) add(s *metrics.Sample) {
	if s.Metric == nil || math.IsNaN(s.Value) {
		return
	}
	if !o.cur.add(&o.hasher, s, o.maxSeries, o.limiter) {
		o.droppedSeries()
	}
}

func (o *Output) droppedSeries() {
	o.seriesDropped.Add(1)
	if o.seriesWarned.CompareAndSwap(false, true) {
		o.logger.Warn("too many series (metric and tag combinations); samples of new ones are dropped (the total is reported at the end)",
			"max_series", o.maxSeries)
	}
}

// Stop makes a last push of what is aggregated, then, when K6_PROMETHEUS_RW_STALE_MARKERS is
// on, marks every series it pushed as stale. It reports how many pushes failed during the run
// and returns the last push's error, if it failed.
func (o *Output) Stop() error {
	o.stopOnce.Do(func() {
		o.mu.Lock()
		started := o.started
		o.stopped = true
		o.mu.Unlock()
		if !started {
			o.cancel()
			return
		}
		close(o.quit)
		o.cancel() // a push under way gives up: the final push sends its values
		<-o.done
		o.client.close()
		if n := o.dropped.Load(); n > 0 {
			o.logger.Warn("pushes to the remote-write endpoint failed; their values were sent with a later push when one succeeded",
				"url", o.client.redacted, "failed", n, "pushes", o.pushes.Load())
		}
		if n := o.seriesDropped.Load(); n > 0 {
			o.logger.Warn("samples dropped because there were too many series", "dropped", n, "max_series", o.maxSeries)
		}
		if o.lastErr != nil {
			o.stopErr = fmt.Errorf("%s output: final push: %w", Name, o.lastErr)
		}
	})
	return o.stopErr
}

// run is the pusher goroutine.
func (o *Output) run() {
	defer close(o.done)
	tick := time.NewTicker(o.cfg.PushInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			_ = o.flush(o.ctx)
		case <-o.quit:
			o.lastErr = o.flush(context.Background())
			if o.cfg.StaleMarkers && o.lastErr == nil {
				o.lastErr = o.pushStale()
			}
			return
		}
	}
}

// flush swaps the interval out, merges it into the series and pushes the series that changed
// since the last successful push. A failed push is counted (and logged the first time) and not
// repeated as such: every value is cumulative or a last value, so the next push, which sends
// the same series again, carries what this one would have.
func (o *Output) flush(ctx context.Context) error {
	o.mu.Lock()
	iv := o.cur
	o.cur, o.spare = o.spare, nil
	o.mu.Unlock()

	o.merge(iv)
	iv.reset()
	o.mu.Lock()
	o.spare = iv
	o.mu.Unlock()

	o.batch, o.sent = o.batch[:0], o.sent[:0]
	ms := o.nextMs()
	for _, s := range o.series {
		if !s.dirty {
			continue
		}
		o.sent = append(o.sent, s)
		o.vals = s.values(o.vals[:0], o.cfg.TrendStats)
		for i, ls := range s.labels {
			o.batch = append(o.batch, timeSeries{labels: ls, samples: []sample{{value: o.vals[i], ms: ms}}})
		}
	}
	if len(o.batch) == 0 {
		return nil
	}
	if err := o.push(ctx, o.batch); err != nil {
		return err // the series stay dirty: the next push sends their values then current
	}
	for _, s := range o.sent {
		s.dirty = false
	}
	clear(o.sent) // do not pin series through a reused slice
	return nil
}

// merge folds the interval's deltas into the cumulative series, creating series as needed
// (within maxSeries).
func (o *Output) merge(iv *interval) {
	for _, head := range iv.deltas {
		for d := head; d != nil; d = d.next {
			key := seriesKey(&o.keyBuf, d.metric, d.tags)
			s := o.series[key]
			if s == nil {
				if len(o.series) >= o.maxSeries {
					o.seriesDropped.Add(int64(d.n))
					if o.seriesWarned.CompareAndSwap(false, true) {
						o.logger.Warn("too many series (metric and tag combinations); samples of new ones are dropped (the total is reported at the end)",
							"max_series", o.maxSeries)
					}
					continue
				}
				s = o.newSeries(d.metric, d.tags)
				o.series[key] = s
			}
			s.merge(d)
		}
	}
}

func (o *Output) newSeries(m *metrics.Metric, tags *metrics.TagSet) *series {
	base := seriesLabels(tags, o.cfg.Labels)
	names := seriesNames(m, o.cfg.TrendStats)
	s := &series{metric: m, labels: make([][]label, len(names))}
	for i, n := range names {
		s.labels[i] = withName(base, n)
	}
	if m.Type == metrics.Trend {
		s.trend = metrics.NewTrendSink()
	}
	return s
}

// nextMs is the timestamp of a push: now, in milliseconds, but always after the previous push,
// since samples of a series must be in time order.
func (o *Output) nextMs() int64 {
	ms := max(o.now().UnixMilli(), o.lastMs+1)
	o.lastMs = ms
	return ms
}

// push sends the series in requests of at most maxSeriesPerRequest, all within one push
// timeout, and counts the push as dropped if any request fails (unless parent was cancelled).
func (o *Output) push(parent context.Context, all []timeSeries) error {
	ctx, cancel := context.WithTimeout(parent, o.pushTimeout)
	defer cancel()
	var err error
	for len(all) > 0 {
		n := min(len(all), maxSeriesPerRequest)
		o.raw = appendWriteRequest(o.raw[:0], all[:n])
		o.payload = o.snappy.encode(o.payload, o.raw)
		if err = o.client.send(ctx, o.payload); err != nil {
			break
		}
		all = all[n:]
	}
	if err != nil && parent.Err() != nil {
		return err // cut short by Stop, which pushes again at once: not a failure of the endpoint
	}
	o.pushes.Add(1)
	if err != nil {
		o.dropped.Add(1)
		if o.dropWarned.CompareAndSwap(false, true) {
			o.logger.Warn("a push to the remote-write endpoint failed; later failures are only counted, and the total is reported at the end",
				"error", err.Error(), "timeout", o.pushTimeout)
		}
	}
	return err
}

// pushStale sends the stale marker for every series pushed during the run, so that queries
// stop showing their last value at once instead of for Prometheus's five-minute look-back.
func (o *Output) pushStale() error {
	o.batch = o.batch[:0]
	ms := o.nextMs()
	for _, s := range o.series {
		for _, ls := range s.labels {
			o.batch = append(o.batch, timeSeries{labels: ls, samples: []sample{{value: staleNaN, ms: ms}}})
		}
	}
	if len(o.batch) == 0 {
		return nil
	}
	return o.push(context.Background(), o.batch)
}
