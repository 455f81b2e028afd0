package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// The server sampler (connect()'s serverMetrics option): one per pool entry (identity and
// password), started by the first connect() that takes a lease on it, stopped (and waited
// for) before the entry's driver is closed. Every period it reads, on one session of the
// identity's driver on the database the first connect() named:
//
//   - dbms.queryJmx on the JVM's java.lang beans: CPU (ProcessCpuLoad), heap used and max,
//     garbage collections (count and time, summed over the collectors) and threads;
//   - SHOW TRANSACTIONS: the transactions running and the longest one's elapsed time,
//     leaving out the sampler's own (they carry samplerMetadata);
//   - where the server has them (Enterprise), the org.neo4j beans: page cache hits and
//     faults, committed transactions. Asked once; a server that answers none (Community) is
//     not asked again.
//
// The readings go to the run's sample stream as neo4j_server_* metrics tagged with the run's
// tags, identity and db. They never go through a client's calls, so they never count toward
// neo4j_query_*. A reading is skipped while the identity's pool is exhausted (every
// connection held by a call), so the sampler never competes with the load for the last
// connection. A part the server refuses (no such procedure, no right to run it) is
// named in one warning and not asked again; the other parts go on.

// samplerMetadata marks the sampler's transactions, so that SHOW TRANSACTIONS leaves them out,
// as it does every transaction whose metadata has the key xk6neo4j: the tool's own (plans'
// EXPLAINs, the server-info reads), which are not the load.
var samplerMetadata = map[string]any{"xk6neo4j": "server-sampler"}

// samplerQueries are the Cypher the sampler runs; tests replace one with a query the server
// refuses, to see the sampler name it and go on.
type samplerQueries struct {
	// JMX reads the java.lang beans: rows of name and attributes (by attribute name, each
	// {description, value}), one per bean.
	JMX string
	// JMXSystem is JMX for the system database, which takes no UNWIND.
	JMXSystem string
	// Transactions answers one row: running (count) and longest (ms, null when none).
	Transactions string
	// TransactionsPlain is SHOW TRANSACTIONS with its default columns, counted here: for a
	// server whose SHOW TRANSACTIONS lacks a column Transactions yields.
	TransactionsPlain string
	// Neo4jBeans reads the org.neo4j beans (Enterprise).
	Neo4jBeans string
}

// defaultSamplerQueries are the queries of a real sampler.
var defaultSamplerQueries = samplerQueries{
	// One pattern per bean asked for: 'java.lang:*' would also compute the runtime's system
	// properties and every thread id, for nothing.
	JMX: "UNWIND ['java.lang:type=OperatingSystem', 'java.lang:type=Memory', 'java.lang:type=GarbageCollector,*', 'java.lang:type=Threading'] AS pattern " +
		"CALL dbms.queryJmx(pattern) YIELD name, attributes RETURN name, attributes",
	JMXSystem: "CALL dbms.queryJmx('java.lang:*') YIELD name, attributes RETURN name, attributes",
	// elapsedTime is built from milliseconds (no months or days): .milliseconds is all of it.
	Transactions: "SHOW TRANSACTIONS YIELD metaData, elapsedTime WHERE metaData.xk6neo4j IS NULL " +
		"RETURN count(*) AS running, max(elapsedTime.milliseconds) AS longest",
	TransactionsPlain: "SHOW TRANSACTIONS",
	Neo4jBeans:        "CALL dbms.queryJmx('org.neo4j:*') YIELD name, attributes RETURN name, attributes",
}

// samplerEnv is what the sampler takes from a VU's init environment: the run's sample
// stream, its tags and its logger. The first VU that imports the module sets it.
type samplerEnv struct {
	samples chan<- metrics.SampleContainer
	runTags func() *metrics.TagSet
	logger  *slog.Logger
}

// noteInitEnv keeps what a sampler needs from env, the first time a VU's init runs with one:
// a connect() outside init code has no init environment of its own.
func (r *RootModule) noteInitEnv(env *modules.InitEnvironment) {
	if env == nil || env.Samples == nil || r.pool.samplerEnv.Load() != nil {
		return
	}
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r.pool.samplerEnv.CompareAndSwap(nil, &samplerEnv{samples: env.Samples, runTags: env.RunTags, logger: logger})
}

// startSampler starts the server sampler of the lease's pool entry, if its settings ask for
// one and none runs yet; connect() calls it after taking the lease. database is the one the
// connect() named: the sampler's session runs there, and its samples are tagged with it.
func (r *RootModule) startSampler(lease *Lease, target Target, database string, vu modules.VU) {
	e := lease.entry
	if e.settings.ServerMetrics <= 0 {
		return
	}
	r.noteInitEnv(vu.InitEnv())
	env := r.pool.samplerEnv.Load()
	if env == nil || r.metrics == nil {
		return // no sample stream: nothing would take the readings
	}
	e.samplerMu.Lock()
	defer e.samplerMu.Unlock()
	if e.sampler != nil || e.samplerStopped || e.driver == nil {
		return
	}
	q := defaultSamplerQueries
	if r.pool.samplerQueries != nil {
		q = *r.pool.samplerQueries
	}
	s := newSampler(samplerConfig{
		identity: target.Identity(),
		database: database,
		period:   e.settings.ServerMetrics,
		poolSize: e.settings.MaxConnectionPoolSize,
		busy:     e.calls.busy.Load,
		metrics:  &r.metrics.Server,
		env:      *env,
		queries:  q,
	})
	s.query, s.closeSession = sessionQuery(e.driver, database)
	e.sampler = s
	s.start()
}

// stopSampler stops the entry's sampler, if it runs, and waits for it; later starts do
// nothing. The pool calls it before closing the entry's driver.
func (e *poolEntry) stopSampler() {
	e.samplerMu.Lock()
	s := e.sampler
	e.samplerStopped = true
	e.samplerMu.Unlock()
	if s != nil {
		s.stop()
	}
}

// queryFunc runs one query for the sampler and returns its records.
type queryFunc func(ctx context.Context, cypher string) ([]*neo4j.Record, error)

// sessionQuery runs the sampler's queries on one session of d on database, kept for the
// sampler's life (close ends it); each is an auto-commit read carrying samplerMetadata. A
// session holds a connection only while a query runs.
func sessionQuery(d neo4j.DriverWithContext, database string) (query queryFunc, closeFn func()) {
	var s neo4j.SessionWithContext
	closeFn = func() {
		if s != nil {
			_ = s.Close(context.Background())
		}
	}
	return func(ctx context.Context, cypher string) ([]*neo4j.Record, error) {
		if s == nil {
			s = d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: database, AccessMode: neo4j.AccessModeRead})
		}
		res, err := s.Run(ctx, cypher, nil, neo4j.WithTxMetadata(samplerMetadata))
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}, closeFn
}

// samplerConfig is what a sampler is made with.
type samplerConfig struct {
	identity, database string
	period             time.Duration
	poolSize           int
	busy               func() int64 // the identity's calls holding a connection now
	metrics            *serverMetrics
	env                samplerEnv
	queries            samplerQueries
}

// sampler reads one identity's server every period; see the top of this file.
type sampler struct {
	samplerConfig
	query        queryFunc
	closeSession func()

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// On the sampler's goroutine only.
	jmxOn, txOn bool
	txPlain     bool // SHOW TRANSACTIONS answers only its default columns
	beans       beansState
	gcTime      counterDelta
	gcCount     counterDelta
	pcHits      counterDelta
	pcFaults    counterDelta
	committed   counterDelta
	tags        *metrics.TagSet
	tagsBase    *metrics.TagSet // the run tags tags was made from
	readings    int             // readings attempted, skipped ones included
	skipped     int             // readings skipped while the pool was exhausted
	failed      int             // readings a part of which failed (no answer in time, connection lost)
	lastFail    string
}

// beansState is what is known of the server's org.neo4j beans.
type beansState int

const (
	beansUnknown beansState = iota // not asked yet
	beansNone                      // none (Community) or not readable: never asked again
	beansRead                      // read on every reading
)

func newSampler(cfg samplerConfig) *sampler {
	ctx, cancel := context.WithCancel(context.Background())
	return &sampler{samplerConfig: cfg, ctx: ctx, cancel: cancel, done: make(chan struct{}), jmxOn: true, txOn: true}
}

// start runs the sampler on a goroutine of its own until stop.
func (s *sampler) start() { go s.run() }

// stop ends the sampler and waits for its goroutine: a reading in flight is cancelled.
func (s *sampler) stop() {
	s.cancel()
	<-s.done
}

// timeout bounds one reading: shorter than the period, so that readings never pile up (the
// ticker drops the ticks a slow reading misses).
func (s *sampler) timeout() time.Duration { return s.period * 9 / 10 }

func (s *sampler) run() {
	defer close(s.done)
	defer func() {
		if s.closeSession != nil {
			s.closeSession()
		}
	}()
	defer s.sayTotals()
	t := time.NewTicker(s.period)
	defer t.Stop()
	for {
		// The first reading at once: the server's idle state before the load.
		if !s.read() {
			s.env.logger.Warn(fmt.Sprintf("server metrics for %s: the server refused every reading; the sampler stops", s.identity))
			return
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// read takes one reading and pushes its samples; false when no part is left to read. Until
// the host knows the run's tags (its options are resolved after the first VU's init code,
// where the sampler starts) there is no reading: its samples could not carry them.
func (s *sampler) read() bool {
	if s.env.runTags != nil && s.env.runTags() == nil {
		return true
	}
	s.readings++
	if s.poolSize > 0 && s.busy() >= int64(s.poolSize) {
		s.skipped++
		return true
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout())
	defer cancel()
	now := time.Now()
	var r reading
	failed := false
	if s.jmxOn {
		q := s.queries.JMX
		if strings.EqualFold(s.database, "system") {
			q = s.queries.JMXSystem
		}
		recs, err := s.query(ctx, q)
		if err == nil {
			r.jvm = parseJVM(recs)
		} else {
			failed = s.partFailed(err, "jmx") || failed
		}
	}
	if s.txOn {
		q := s.queries.Transactions
		if s.txPlain {
			q = s.queries.TransactionsPlain
		}
		recs, err := s.query(ctx, q)
		if err != nil && !s.txPlain && neo4jCode(err) == "Neo.ClientError.Statement.SyntaxError" {
			s.txPlain = true
			recs, err = s.query(ctx, s.queries.TransactionsPlain)
		}
		if err == nil {
			if s.txPlain {
				r.tx, r.txOK = countTransactions(recs, s.queries.TransactionsPlain)
			} else {
				r.tx, r.txOK = parseTransactions(recs)
			}
		} else {
			failed = s.partFailed(err, "transactions") || failed
		}
	}
	if s.beans != beansNone {
		recs, err := s.query(ctx, s.queries.Neo4jBeans)
		switch {
		case err == nil:
			r.beans = parseNeo4jBeans(recs)
			if s.beans == beansUnknown && !r.beans.any() {
				s.beans = beansNone
				s.env.logger.Debug(fmt.Sprintf("server metrics for %s: the server has no org.neo4j beans (Community): no page cache or commit readings", s.identity))
			} else {
				s.beans = beansRead
			}
		case s.beans == beansUnknown && s.ctx.Err() == nil:
			s.beans = beansNone
			s.env.logger.Debug(fmt.Sprintf("server metrics for %s: no org.neo4j beans: %s", s.identity, errText(err)))
		default:
			failed = true
			s.lastFail = errText(err)
		}
	}
	if failed && s.ctx.Err() == nil {
		s.failed++
	}
	if ss := s.samples(now, &r); len(ss) > 0 {
		metrics.PushIfNotDone(s.ctx, s.env.samples, ss)
	}
	return s.jmxOn || s.txOn || s.beans == beansRead
}

// sampledParts names what each part of a reading gives, for the warning that it is missing.
var sampledParts = map[string]struct{ what, gives string }{
	"jmx":          {"dbms.queryJmx", "no CPU, heap, GC or thread readings"},
	"transactions": {"SHOW TRANSACTIONS", "no readings of running transactions"},
}

// partFailed handles a part's error: a refusal that will not change (no such procedure, no
// right to run it, a statement the server does not know) turns the part off with one
// warning; anything else (no answer in time, a lost connection) fails this reading only. It
// reports whether the reading failed for a reason that may pass.
func (s *sampler) partFailed(err error, part string) bool {
	if s.ctx.Err() != nil {
		return false // stopping: not a failure of the server
	}
	code := neo4jCode(err)
	if permanentRefusal(code) {
		p := sampledParts[part]
		s.env.logger.Warn(fmt.Sprintf("server metrics for %s: %s is not available (%s): %s", s.identity, p.what, code, p.gives))
		if part == "jmx" {
			s.jmxOn = false
		} else {
			s.txOn = false
		}
		return false
	}
	s.lastFail = errText(err)
	return true
}

// permanentRefusal says whether a Neo4j status code is a refusal that the next reading would
// get again: client errors, other than a login refused (the password may come back) and a
// transaction that timed out or was terminated.
func permanentRefusal(code string) bool {
	if !strings.HasPrefix(code, "Neo.ClientError.") {
		return false
	}
	switch {
	case code == "Neo.ClientError.Security.Unauthorized", code == "Neo.ClientError.Security.AuthenticationRateLimit",
		strings.HasPrefix(code, "Neo.ClientError.Transaction."), strings.HasPrefix(code, "Neo.ClientError.Cluster."):
		return false
	}
	return true
}

// neo4jCode is err's Neo4j status code, or "".
func neo4jCode(err error) string {
	var n4 *neo4j.Neo4jError
	if errors.As(err, &n4) {
		return n4.Code
	}
	return ""
}

// errText is err on one line, for the closing note on failed readings.
func errText(err error) string {
	if code := neo4jCode(err); code != "" {
		return code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within the reading's timeout"
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// sayTotals logs, once the sampler stops, how many readings were skipped or failed.
func (s *sampler) sayTotals() {
	if s.skipped > 0 {
		s.env.logger.Info(fmt.Sprintf("server metrics for %s: %d of %d readings skipped while the connection pool was exhausted",
			s.identity, s.skipped, s.readings))
	}
	if s.failed > 0 {
		s.env.logger.Info(fmt.Sprintf("server metrics for %s: %d of %d readings incomplete (last: %s)",
			s.identity, s.failed, s.readings, s.lastFail))
	}
}

// reading is what one reading learned; a part not read leaves its ok false.
type reading struct {
	jvm   jvmReading
	tx    txReading
	txOK  bool
	beans beansReading
}

// jvmReading is what the java.lang beans gave; each ok says the value was there.
type jvmReading struct {
	cpu                   float64
	cpuOK                 bool
	heapUsed, heapMax     float64
	heapUsedOK, heapMaxOK bool
	gcCount, gcTimeMs     float64
	gcOK                  bool
	threads               float64
	threadsOK             bool
}

// txReading is what SHOW TRANSACTIONS gave.
type txReading struct {
	running   float64
	longestMs float64
}

// beansReading is what the org.neo4j beans gave (Enterprise).
type beansReading struct {
	hits, faults, committed       float64
	hitsOK, faultsOK, committedOK bool
}

func (b beansReading) any() bool { return b.hitsOK || b.faultsOK || b.committedOK }

// samples turns a reading into samples: gauges as read, counters as the change since the
// previous reading (0 the first time).
func (s *sampler) samples(now time.Time, r *reading) metrics.Samples {
	tags := s.tagSet()
	m := s.metrics
	out := make(metrics.Samples, 0, 11)
	add := func(mt *metrics.Metric, v float64) {
		out = append(out, metrics.Sample{Metric: mt, Tags: tags, Time: now, Value: v})
	}
	j := &r.jvm
	if j.cpuOK {
		add(m.CPU, j.cpu)
	}
	if j.heapUsedOK {
		add(m.HeapUsed, j.heapUsed)
	}
	if j.heapMaxOK {
		add(m.HeapMax, j.heapMax)
	}
	if j.gcOK {
		add(m.GCSeconds, s.gcTime.next(j.gcTimeMs)/1000)
		add(m.GCCount, s.gcCount.next(j.gcCount))
	}
	if j.threadsOK {
		add(m.Threads, j.threads)
	}
	if r.txOK {
		add(m.TxRunning, r.tx.running)
		add(m.TxLongest, r.tx.longestMs)
	}
	b := &r.beans
	if b.hitsOK {
		add(m.PageCacheHits, s.pcHits.next(b.hits))
	}
	if b.faultsOK {
		add(m.PageCacheFaults, s.pcFaults.next(b.faults))
	}
	if b.committedOK {
		add(m.CommittedTxs, s.committed.next(b.committed))
	}
	return out
}

// tagSet is the samples' tags: the run's tags (known once the options are resolved, so read
// at every reading) with identity and db.
func (s *sampler) tagSet() *metrics.TagSet {
	var base *metrics.TagSet
	if s.env.runTags != nil {
		base = s.env.runTags()
	}
	if s.tags == nil || base != s.tagsBase {
		s.tagsBase = base
		s.tags = base.With("identity", s.identity).With("db", s.database)
	}
	return s.tags
}

// counterDelta turns a counter the server keeps (since it started) into the change since
// the previous reading.
type counterDelta struct {
	prev float64
	have bool
}

// next returns how much v grew since the previous value: 0 the first time, and 0 when it
// went down (the server restarted), counting from v from then on.
func (c *counterDelta) next(v float64) float64 {
	prev, had := c.prev, c.have
	c.prev, c.have = v, true
	if !had || v < prev {
		return 0
	}
	return v - prev
}

// parseJVM reads the java.lang beans: rows of name and attributes, each attribute a map of
// description and value (composite values such as HeapMemoryUsage a map of description and
// properties). A value the JVM cannot give (negative, as ProcessCpuLoad before it is known)
// is left out.
func parseJVM(recs []*neo4j.Record) jvmReading {
	var j jvmReading
	for _, rec := range recs {
		name, attrs := beanOf(rec)
		switch {
		case strings.Contains(name, "type=OperatingSystem"):
			if v, ok := attrNumber(attrs, "ProcessCpuLoad"); ok && v >= 0 {
				j.cpu, j.cpuOK = v, true
			}
		case strings.Contains(name, "type=Memory") && !strings.Contains(name, "type=MemoryPool") && !strings.Contains(name, "type=MemoryManager"):
			props := attrProperties(attrs, "HeapMemoryUsage")
			if v, ok := number(props["used"]); ok && v >= 0 {
				j.heapUsed, j.heapUsedOK = v, true
			}
			if v, ok := number(props["max"]); ok && v >= 0 {
				j.heapMax, j.heapMaxOK = v, true
			}
		case strings.Contains(name, "type=GarbageCollector"):
			// A collector that cannot say (-1) adds nothing.
			if v, ok := attrNumber(attrs, "CollectionCount"); ok {
				j.gcOK = true
				j.gcCount += max(v, 0)
			}
			if v, ok := attrNumber(attrs, "CollectionTime"); ok {
				j.gcOK = true
				j.gcTimeMs += max(v, 0)
			}
		case strings.Contains(name, "type=Threading"):
			if v, ok := attrNumber(attrs, "ThreadCount"); ok && v >= 0 {
				j.threads, j.threadsOK = v, true
			}
		}
	}
	return j
}

// parseNeo4jBeans reads the org.neo4j beans Enterprise servers have: the page cache's Hits
// and Faults, the transactions' NumberOfCommittedTransactions, each summed over the beans
// that have it (one per database on some versions).
func parseNeo4jBeans(recs []*neo4j.Record) beansReading {
	var b beansReading
	for _, rec := range recs {
		name, attrs := beanOf(rec)
		if strings.Contains(strings.ToLower(name), "page cache") {
			if v, ok := attrNumber(attrs, "Hits"); ok && v >= 0 {
				b.hits += v
				b.hitsOK = true
			}
			if v, ok := attrNumber(attrs, "Faults"); ok && v >= 0 {
				b.faults += v
				b.faultsOK = true
			}
		}
		if v, ok := attrNumber(attrs, "NumberOfCommittedTransactions"); ok && v >= 0 {
			b.committed += v
			b.committedOK = true
		}
	}
	return b
}

// parseTransactions reads the one row of Transactions: running and longest (null when no
// transaction runs, taken as 0).
func parseTransactions(recs []*neo4j.Record) (txReading, bool) {
	if len(recs) != 1 {
		return txReading{}, false
	}
	row := recs[0].AsMap()
	running, ok := number(row["running"])
	if !ok {
		return txReading{}, false
	}
	longest, _ := number(row["longest"])
	// A transaction that has just begun can show a slightly negative elapsed time.
	return txReading{running: running, longestMs: max(longest, 0)}, true
}

// countTransactions counts SHOW TRANSACTIONS' default rows, leaving out the sampler's own
// (the one running self), and finds the longest elapsedTime.
func countTransactions(recs []*neo4j.Record, self string) (txReading, bool) {
	var t txReading
	for _, rec := range recs {
		row := rec.AsMap()
		if q, _ := row["currentQuery"].(string); q == self {
			continue
		}
		t.running++
		if d, ok := row["elapsedTime"].(neo4j.Duration); ok {
			ms := float64((d.Days*86400+d.Seconds)*1000) + float64(d.Nanos)/1e6
			t.longestMs = max(t.longestMs, ms)
		}
	}
	return t, true
}

// beanOf is a JMX row's bean name and attributes.
func beanOf(rec *neo4j.Record) (string, map[string]any) {
	row := rec.AsMap()
	name, _ := row["name"].(string)
	attrs, _ := row["attributes"].(map[string]any)
	return name, attrs
}

// attrNumber is a numeric attribute's value.
func attrNumber(attrs map[string]any, name string) (float64, bool) {
	a, _ := attrs[name].(map[string]any)
	return number(a["value"])
}

// attrProperties is a composite attribute's properties (e.g. HeapMemoryUsage's used, max).
func attrProperties(attrs map[string]any, name string) map[string]any {
	a, _ := attrs[name].(map[string]any)
	v, _ := a["value"].(map[string]any)
	props, _ := v["properties"].(map[string]any)
	return props
}

// number is an INTEGER or FLOAT as a float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
