package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Plans and profiles (#11 section 2).
//
// Plans: the first call of each query name, per identity and database, queues an `EXPLAIN`
// of the same query and parameters for a background worker. Nothing is executed, the call
// itself is neither slowed nor changed, and the EXPLAIN counts in no metric. A failed
// EXPLAIN is kept as the query's PlanError; the script never sees it. A query that is
// itself EXPLAIN or PROFILE gives its plan from its own result summary instead.
//
// Profiles: the `profile` option (a share of calls from 0 to 1, per call or per connect())
// picks calls at random, each with that probability (profile: 1 is every call, 0.01 one
// call in a hundred on average, spread over every query name rather than locked to every
// hundredth call), and runs each picked call as `PROFILE <query>` instead of the plain
// query: it runs once, and returns the same records. Every call whose summary holds a
// profile adds neo4j_db_hits and neo4j_rows, and the slowest profiled call of each name
// keeps its plan with the per-operator db hits and rows. PROFILE goes in front of the
// query, before any `CYPHER 5 runtime=...` prefix: both the current release and 5.26
// accept it there. A query that starts with EXPLAIN (even behind a CYPHER prefix) is never
// profiled (the server refuses EXPLAIN and PROFILE together); one that starts with PROFILE
// runs as written, and counts as profiled.

const (
	// maxPlans bounds the query names (per identity and database) whose plans and profiles
	// are kept: names built from data must not grow the report without end.
	maxPlans = 1000
	// planQueue bounds the EXPLAINs waiting for a worker; a name whose EXPLAIN finds the
	// queue full is queued again by its next call.
	planQueue = 256
	// planWorkers is how many EXPLAINs run at once, each on a connection of its identity.
	planWorkers = 2
	// planTimeout bounds one EXPLAIN.
	planTimeout = 10 * time.Second
	// planTries is how often an EXPLAIN is tried when the server could not be reached or
	// answered with a transient error; a refusal (a ClientError) is final at once.
	planTries = 3
	// planCloseWait is how long Close waits for the EXPLAINs still running or queued before
	// it gives them up: the drivers close right after.
	planCloseWait = 3 * time.Second
)

// planMetadata marks the EXPLAINs' transactions as the tool's own (see samplerMetadata).
var planMetadata = map[string]any{"xk6neo4j": "plan"}

// planKey is one query in the plans: its name per identity and database.
type planKey struct{ name, identity, db string }

// Plan states of a queryEntry.
const (
	planNone   int32 = iota // not captured: the next call queues an EXPLAIN
	planQueued              // an EXPLAIN is queued or running
	planDone                // Plan or PlanError is set
)

// queryEntry is what is known of one query; its fields other than state are under
// planStore.mu.
type queryEntry struct {
	key planKey
	// state is read without the lock on the calls' path, to skip names already captured.
	state    atomic.Int32
	tries    int
	plan     *PlanNode
	planErr  string
	profiled uint64
	slowest  *ProfiledCall
}

// planStore is the run's plans and profiles. It outlives the pool, so that Report works
// after Close.
type planStore struct {
	mu      sync.Mutex
	changed *sync.Cond // on mu: signalled when a queued EXPLAIN ends
	entries map[planKey]*queryEntry
	order   []*queryEntry // as first seen, so that report keys are stable
	folded  bool          // maxPlans was reached and said so
	pending int           // EXPLAINs queued or running
	closed  bool          // no more EXPLAINs: the drivers are closing
	logger  *slog.Logger
	metrics *profileMetrics

	jobs    chan planJob
	start   sync.Once
	ctx     context.Context // ends when Close gives up the EXPLAINs left
	cancel  context.CancelFunc
	workers sync.WaitGroup
}

// planJob is one EXPLAIN to run: the query as the call ran it, on a lease of its own (so
// the driver stays open even when the VU that queued it has ended).
type planJob struct {
	e           *queryEntry
	lease       *Lease
	target      Target
	cypher      string
	params      map[string]any
	read        bool
	impersonate string
}

func newPlanStore() *planStore {
	s := &planStore{entries: make(map[planKey]*queryEntry), jobs: make(chan planJob, planQueue)}
	s.changed = sync.NewCond(&s.mu)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// profileMetrics are the metrics of profiled calls, tagged like neo4j_query_duration.
type profileMetrics struct {
	DbHits *metrics.Metric // neo4j_db_hits: db hits over every operator of the plan
	Rows   *metrics.Metric // neo4j_rows: rows over every operator of the plan
}

// registerProfileMetrics registers neo4j_db_hits and neo4j_rows.
func registerProfileMetrics(r *metrics.Registry) (*profileMetrics, error) {
	var m profileMetrics
	var err error
	if m.DbHits, err = r.NewMetric("neo4j_db_hits", metrics.Trend); err != nil {
		return nil, fmt.Errorf("registering neo4j_db_hits: %w", err)
	}
	if m.Rows, err = r.NewMetric("neo4j_rows", metrics.Trend); err != nil {
		return nil, fmt.Errorf("registering neo4j_rows: %w", err)
	}
	return &m, nil
}

// init takes what the store needs from the run: the logger for the one warning it may give
// and the profile metrics. Called once, from metricsFor.
func (s *planStore) init(logger *slog.Logger, m *profileMetrics) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logger, s.metrics = logger, m
}

// queryInfos returns each named query's plan and profile, as learned so far. A name used
// with more than one identity or database is keyed "name (identity db)" from its second
// one on.
func (r *RootModule) queryInfos() map[string]*QueryInfo {
	s := r.plans
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]*QueryInfo, len(s.order))
	for _, e := range s.order {
		k := e.key.name
		if _, taken := out[k]; taken {
			k = fmt.Sprintf("%s (%s %s)", e.key.name, e.key.identity, e.key.db)
		}
		// Plans are never changed once made: the copies share them.
		out[k] = &QueryInfo{Name: e.key.name, Identity: e.key.identity, Database: e.key.db,
			Plan: e.plan, PlanError: e.planErr, Profiled: e.profiled, Slowest: e.slowest}
	}
	return out
}

// WaitPlans waits up to d for the EXPLAINs queued or running, so that a summary made next
// has their plans. It returns at once when none is pending.
func (r *RootModule) WaitPlans(d time.Duration) { r.plans.wait(d) }

func (s *planStore) wait(d time.Duration) {
	deadline := time.Now().Add(d)
	wake := time.AfterFunc(d, func() { s.mu.Lock(); s.changed.Broadcast(); s.mu.Unlock() })
	defer wake.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.pending > 0 && time.Now().Before(deadline) {
		s.changed.Wait()
	}
}

// close stops queueing EXPLAINs, waits up to d for those pending, then gives up the rest
// (their leases go back) and waits for the workers to stop, before the drivers close.
func (s *planStore) close(d time.Duration) {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wait(d)
	s.cancel() // what is left fails at once on the cancelled context
	s.wait(time.Second)
	s.workers.Wait()
}

// lookup returns the entry of key, making it unless maxPlans entries exist (then nil, and
// the first time a warning).
func (s *planStore) lookup(key planKey) *queryEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[key]; e != nil {
		return e
	}
	if len(s.entries) >= maxPlans {
		if !s.folded && s.logger != nil {
			s.logger.Warn(fmt.Sprintf("neo4j: more than %d query names: plans and profiles are kept for the first %d only (give calls a tags.name to group them)", maxPlans, maxPlans))
		}
		s.folded = true
		return nil
	}
	e := &queryEntry{key: key}
	s.entries[key] = e
	s.order = append(s.order, e)
	return e
}

// enqueue queues an EXPLAIN for e unless one is queued, done or the store is closed. When
// the queue is full, or the identity's driver is going away, e stays uncaptured for a
// later call to try.
func (s *planStore) enqueue(e *queryEntry, job planJob, lease *Lease) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || e.state.Load() != planNone {
		return
	}
	l, ok := lease.retain()
	if !ok {
		return
	}
	job.e, job.lease = e, l
	s.start.Do(func() {
		for range planWorkers {
			s.workers.Add(1)
			go s.work()
		}
	})
	select {
	case s.jobs <- job:
		e.state.Store(planQueued)
		s.pending++
	default:
		l.Release()
	}
}

// work runs queued EXPLAINs until the store is closed.
func (s *planStore) work() {
	defer s.workers.Done()
	for {
		select {
		case job := <-s.jobs:
			s.run(job)
		case <-s.ctx.Done():
			for { // give up what is still queued
				select {
				case job := <-s.jobs:
					s.run(job)
				default:
					return
				}
			}
		}
	}
}

// run runs one EXPLAIN and keeps its plan or error.
func (s *planStore) run(job planJob) {
	plan, err := explain(s.ctx, job)
	job.lease.Release()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := job.e
	e.tries++
	switch {
	case err == nil:
		e.plan, e.planErr = plan, ""
		e.state.Store(planDone)
	case s.ctx.Err() != nil:
		e.planErr = "not captured: the run ended before the EXPLAIN was done"
		e.state.Store(planDone)
	case retryable(err) && e.tries < planTries && !s.closed:
		e.state.Store(planNone) // the next call of the query queues it again
	default:
		e.planErr = planError(err, job.target)
		e.state.Store(planDone)
	}
	s.pending--
	s.changed.Broadcast()
}

// explain runs EXPLAIN of the job's query, with its parameters, in a session of its own.
func explain(parent context.Context, job planJob) (*PlanNode, error) {
	ctx, cancel := context.WithTimeout(parent, planTimeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	am := neo4j.AccessModeWrite
	if job.read {
		am = neo4j.AccessModeRead
	}
	sess := job.lease.Driver().NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: job.e.key.db, AccessMode: am, ImpersonatedUser: job.impersonate, FetchSize: 1})
	defer func() { _ = sess.Close(context.Background()) }()
	// Marked as the tool's own, so that the server sampler leaves it out of the running
	// transactions.
	r, err := sess.Run(ctx, "EXPLAIN "+job.cypher, job.params, neo4j.WithTxMetadata(planMetadata))
	if err != nil {
		return nil, err
	}
	sum, err := r.Consume(ctx)
	if err != nil {
		return nil, err
	}
	p := sum.Plan()
	if p == nil {
		return nil, errors.New("the server answered the EXPLAIN without a plan")
	}
	return planFromExplain(p), nil
}

// planError is the PlanError of a failed EXPLAIN: the status code and the first line of the
// server's message (the lines after it quote the query), literals replaced by '?'.
func planError(err error, t Target) string {
	var n4 *neo4j.Neo4jError
	if errors.As(err, &n4) {
		msg, _, _ := strings.Cut(n4.Msg, "\n")
		return n4.Code + ": " + scrubPlanText(stableMessage(msg))
	}
	msg, _, _ := strings.Cut(describe(err, t).Error(), "\n")
	return scrubPlanText(msg)
}

// retain takes another reference on the lease's driver, for work that may outlive the
// lease (an EXPLAIN queued by a VU that then ends). It fails when the pool is closed or the
// driver is being closed.
func (l *Lease) retain() (*Lease, bool) {
	p, e := l.pool, l.entry
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || e.gone || e.refs == 0 || p.entries[e.key] != e {
		return nil, false
	}
	e.refs++
	p.refs++
	return &Lease{pool: p, entry: e}, true
}

// planSeen is a client's key of the queries it has noted: its identity is the client's.
type planSeen struct{ name, db string }

// notePlan queues the plan of the query that just ran, on its name's first call (later calls
// find it in the client's map, with no lock): a call whose own summary holds the plan (a
// profiled call, or the script's own EXPLAIN or PROFILE) gives it at once, without its
// counts; the others queue an EXPLAIN.
func (c *Client) notePlan(name, db, cypher string, params map[string]any, sk sessionKey, summary neo4j.ResultSummary) *queryEntry {
	k := planSeen{name, db}
	e, seen := c.planned[k]
	if seen && (e == nil || e.state.Load() != planNone) {
		return e
	}
	if !seen {
		e = c.plans.lookup(planKey{name: name, identity: c.identity, db: db})
		if c.planned == nil || len(c.planned) >= 1024 { // names built from data: keep it bounded
			c.planned = make(map[planSeen]*queryEntry)
		}
		c.planned[k] = e
		if e == nil {
			return nil
		}
	}
	if summary != nil {
		var own *PlanNode
		if p := summary.Profile(); p != nil {
			own = planFromProfile(p, false) // the counts go to the profile
		} else if p := summary.Plan(); p != nil {
			own = planFromExplain(p)
		}
		if own != nil {
			c.plans.setPlan(e, own)
			return e
		}
	}
	if leadingMode(cypher) != "" {
		return e // the script's own EXPLAIN or PROFILE failed: it has no plan to give
	}
	c.plans.enqueue(e, planJob{target: c.target, cypher: cypher, params: params,
		read: sk.read, impersonate: sk.impersonate}, c.lease)
	return e
}

// setPlan keeps a plan that came with a call's own summary.
func (s *planStore) setPlan(e *queryEntry, p *PlanNode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.state.Load() == planDone && e.plan != nil {
		return
	}
	e.plan, e.planErr = p, ""
	if e.state.Load() == planNone {
		e.state.Store(planDone)
	} // a queued EXPLAIN will end as done too
}

// profileTotals are the db hits and rows over every operator of one profiled call.
type profileTotals struct {
	ok           bool // the call's summary held a profile
	dbHits, rows int64
}

// totals sums db hits and rows over every operator of a profiled plan.
func totals(p neo4j.ProfiledPlan) profileTotals {
	t := profileTotals{ok: true, dbHits: p.DbHits(), rows: p.Records()}
	for _, ch := range p.Children() {
		sub := totals(ch)
		t.dbHits += sub.dbHits
		t.rows += sub.rows
	}
	return t
}

// profiled counts one profiled call of e and keeps its plan if it is the slowest so far.
func (s *planStore) profiled(e *queryEntry, elapsed time.Duration, t profileTotals, p neo4j.ProfiledPlan) {
	d := ms(elapsed)
	s.mu.Lock()
	e.profiled++
	slower := e.slowest == nil || d > e.slowest.DurationMs
	s.mu.Unlock()
	if !slower {
		return
	}
	call := &ProfiledCall{DurationMs: d, DbHits: t.dbHits, Rows: t.rows, Plan: planFromProfile(p, true)}
	s.mu.Lock()
	if e.slowest == nil || d > e.slowest.DurationMs {
		e.slowest = call
	}
	s.mu.Unlock()
}

// pickProfile says whether a call runs as PROFILE, with probability share (the call's own,
// else connect()'s): 1 is always, 0 (or -1, none given) never.
func pickProfile(share float64) bool {
	return share > 0 && (share >= 1 || rand.Float64() < share)
}

// profileText is the text a profiled call runs: PROFILE before the query, unless it starts
// with EXPLAIN or PROFILE already (then it runs as written). Kept per client (one VU's, so
// no lock).
func (c *Client) profileText(cypher string) string {
	if t, ok := c.profiled[cypher]; ok {
		return t
	}
	t := "PROFILE " + cypher
	if leadingMode(cypher) != "" {
		t = cypher
	}
	if len(cypher) > 4096 { // not worth keeping
		return t
	}
	if c.profiled == nil || len(c.profiled) >= 256 {
		c.profiled = make(map[string]string)
	}
	c.profiled[cypher] = t
	return t
}

// leadingMode returns "EXPLAIN" or "PROFILE" when the query starts with one (after comments
// and a `CYPHER 5 runtime=slotted`-style prefix), else "".
func leadingMode(cypher string) string {
	words := strings.Fields(normalizeCypher(cypher))
	i := 0
	if i < len(words) && strings.EqualFold(words[i], "CYPHER") {
		// Options: a version (a number, so '?' once normalised) and key=value pairs, with
		// or without spaces around '='.
		for i++; i < len(words); {
			w := words[i]
			switch {
			case w == "?":
				i++
			case strings.HasSuffix(w, "="):
				i += 2
			case strings.Contains(w, "="):
				i++
			case i+1 < len(words) && strings.HasPrefix(words[i+1], "="):
				if words[i+1] == "=" {
					i += 3
				} else {
					i += 2
				}
			default:
				goto mode
			}
		}
	}
mode:
	if i >= len(words) {
		return ""
	}
	w := words[i]
	if j := strings.IndexFunc(w, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }); j >= 0 {
		w = w[:j]
	}
	switch {
	case strings.EqualFold(w, "EXPLAIN"):
		return "EXPLAIN"
	case strings.EqualFold(w, "PROFILE"):
		return "PROFILE"
	}
	return ""
}

// planFromExplain converts the driver's plan to PlanNodes, literals scrubbed.
func planFromExplain(p neo4j.Plan) *PlanNode {
	n := planNode(p.Operator(), p.Arguments(), p.Identifiers())
	n.Children = make([]*PlanNode, 0, len(p.Children()))
	for _, ch := range p.Children() {
		n.Children = append(n.Children, planFromExplain(ch))
	}
	return n
}

// planFromProfile converts the driver's profiled plan to PlanNodes, literals scrubbed, with
// db hits and rows when counts is set (without, it is the plan an EXPLAIN gives).
func planFromProfile(p neo4j.ProfiledPlan, counts bool) *PlanNode {
	n := planNode(p.Operator(), p.Arguments(), p.Identifiers())
	if counts {
		hits, rows := p.DbHits(), p.Records()
		n.DbHits, n.Rows = &hits, &rows
	}
	n.Children = make([]*PlanNode, 0, len(p.Children()))
	for _, ch := range p.Children() {
		n.Children = append(n.Children, planFromProfile(ch, counts))
	}
	return n
}

// planNode is one operator: its name without the database the server appends
// ("Filter@neo4j" is Filter), its Details and identifiers scrubbed of literals as default
// query names are (column names such as `'secret'` included), its estimated rows.
func planNode(operator string, args map[string]any, ids []string) *PlanNode {
	if i := strings.LastIndexByte(operator, '@'); i > 0 {
		operator = operator[:i]
	}
	n := &PlanNode{Operator: operator, Identifiers: make([]string, 0, len(ids))}
	if d, ok := args["Details"].(string); ok {
		n.Details = scrubPlanText(d)
	}
	switch v := args["EstimatedRows"].(type) {
	case float64:
		n.EstimatedRows = v
	case int64:
		n.EstimatedRows = float64(v)
	}
	for _, id := range ids {
		n.Identifiers = append(n.Identifiers, scrubPlanText(id))
	}
	return n
}

// scrubPlanText replaces the literals in a plan's text by '?' with the scanner of default
// query names, inside `quoted names` too: the server names an unaliased column after its
// expression, so RETURN 'secret' has a column `'secret'`.
func scrubPlanText(s string) string {
	if !strings.ContainsAny(s, "'\"`0123456789/") {
		return s // nothing to scrub: most operators' details and identifiers
	}
	var b strings.Builder
	outside := func(part string) {
		n := normalizeCypher(part)
		if n == "" {
			if strings.TrimSpace(part) != part && b.Len() > 0 {
				b.WriteByte(' ')
			}
			return
		}
		if b.Len() > 0 && strings.TrimLeft(part, " \t\r\n") != part {
			b.WriteByte(' ')
		}
		b.WriteString(n)
		if strings.TrimRight(part, " \t\r\n") != part {
			b.WriteByte(' ')
		}
	}
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			outside(s)
			break
		}
		outside(s[:i])
		end, closed := quotedNameEnd(s, i)
		if !closed {
			b.WriteString("`?`")
			break
		}
		b.WriteByte('`')
		b.WriteString(normalizeCypher(strings.ReplaceAll(s[i+1:end-1], "``", "`")))
		b.WriteByte('`')
		s = s[end:]
	}
	return strings.TrimRight(b.String(), " ")
}
