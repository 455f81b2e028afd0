package dashboard

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The metrics the dashboard draws; every other sample is ignored.
const (
	metricQueryDuration = "neo4j_query_duration"
	metricIterations    = "iterations"
	metricDropped       = "dropped_iterations"
	metricVUs           = "vus"
	metricChecks        = "checks"
)

// other is the series that names past the MaxSeries cap fold into, so that a script which
// names queries after their parameters cannot grow the dashboard without bound.
const other = "(other)"

// aggregator folds samples into the timeline and the run-wide tables. Not safe for
// concurrent use: Output serialises.
//
// Queries are counted from neo4j_query_duration alone: the module emits it once per query
// with every tag (name, mode, status, error_code), so it gives the count, the latency and the
// outcome together, exactly as the engine's per-query table counts them. neo4j_queries and
// neo4j_query_failed carry the same events and are not counted again.
type aggregator struct {
	period    time.Duration
	maxSeries int

	t0          time.Time // start of period 0: the first sample's time, truncated to the period
	first, last time.Time // earliest and latest sample time seen
	started     bool

	tl timeline

	names   []string
	nameIDs map[string]int
	codes   []string
	codeIDs map[string]int

	rows     map[rowKey]*queryRow
	checks   map[checkKey]*checkRow
	byCode   map[[2]int]uint64 // failures by (code id, name id)
	tagCache map[*metrics.TagSet]*tagInfo

	queries, failures   uint64
	iterations, dropped float64
	vus, vusMax         float64
	hasVUs              bool
	checksPass          uint64
	checksFail          uint64
	codeTotals          []uint64

	// The Server panel: identities (capped at maxServers), whether any reading came, and the
	// time of each identity's latest GC reading (see addServer).
	servers    []string
	serverIDs  map[string]int
	hasServer  bool
	hasHeapMax bool
	gcLast     map[string]time.Time

	// onCap, when set, is called the first time names of a kind ("query names", "error
	// codes", "checks", "query rows", "server identities") fold into other, with the cap, so the output can warn
	// once.
	onCap  func(what string, limit int)
	capped map[string]bool
}

type rowKey struct {
	name int
	mode string
}

// queryRow is a row of the per-query table: the whole run for one name and mode.
type queryRow struct {
	name, mode      string
	count, failures uint64
	dur             metrics.TrendSink
}

type checkKey struct{ group, name string }

type checkRow struct {
	group, name   string
	passes, fails uint64
	order         int
}

// tagInfo is what the aggregator needs from a query's tag set, read once per distinct set:
// the module reuses one set for every query with the same name and outcome, so the tags are
// looked at once, not once per sample.
type tagInfo struct {
	name, mode, status, code string

	nameID int // -1 until a query sample needs it
	row    *queryRow
	codeID int
}

// tagCacheMax bounds the cache; it is emptied when full. The module keeps one set per VU,
// query name and outcome, so this holds a few thousand VUs' worth; past that, emptying
// costs one re-read (~100 ns) per set, not correctness.
const tagCacheMax = 16384

func newAggregator(period time.Duration, maxBuckets, maxSeries int) *aggregator {
	return &aggregator{
		period:    period,
		maxSeries: maxSeries,
		tl:        timeline{max: maxBuckets, buckets: make([]*bucket, 0, maxBuckets+1)},
		nameIDs:   map[string]int{},
		codeIDs:   map[string]int{},
		rows:      map[rowKey]*queryRow{},
		checks:    map[checkKey]*checkRow{},
		byCode:    map[[2]int]uint64{},
		tagCache:  map[*metrics.TagSet]*tagInfo{},
	}
}

func (a *aggregator) info(ts *metrics.TagSet) *tagInfo {
	if in, ok := a.tagCache[ts]; ok {
		return in
	}
	in := &tagInfo{nameID: -1, codeID: -1}
	// Names, modes and codes are shown as text: control characters become visible escapes
	// here, once per tag set, so the page and the report never hold them raw.
	for _, t := range ts.Tags() {
		switch t.Key {
		case "name":
			in.name = metrics.EscapeControl(t.Value)
		case "mode":
			in.mode = metrics.EscapeControl(t.Value)
		case "status":
			in.status = t.Value
		case "error_code":
			in.code = metrics.EscapeControl(t.Value)
		}
	}
	if len(a.tagCache) >= tagCacheMax {
		clear(a.tagCache)
	}
	a.tagCache[ts] = in
	return in
}

// id returns s's id in a capped list of series names, assigning one on first sight; past
// the cap every new name shares the id of other.
func (a *aggregator) id(list *[]string, ids map[string]int, s string) int {
	if id, ok := ids[s]; ok {
		return id
	}
	if len(*list) >= a.maxSeries-1 && s != other {
		what := "query names"
		if list == &a.codes {
			what = "error codes"
		}
		a.warnCap(what, a.maxSeries-1)
		return a.id(list, ids, other)
	}
	id := len(*list)
	*list = append(*list, s)
	ids[s] = id
	return id
}

func (a *aggregator) warnCap(what string, limit int) {
	if a.capped[what] || a.onCap == nil {
		return
	}
	if a.capped == nil {
		a.capped = map[string]bool{}
	}
	a.capped[what] = true
	a.onCap(what, limit)
}

// periodOf is the index of the period t falls in; samples before the first one's period
// are counted in period 0's bucket (timeline.at puts anything before the first bucket there).
func (a *aggregator) periodOf(t time.Time) int64 {
	if !a.started {
		a.started = true
		a.t0 = t.Truncate(a.period)
		a.first, a.last = t, t
	}
	if t.Before(a.first) {
		a.first = t
	}
	if t.After(a.last) {
		a.last = t
	}
	d := t.Sub(a.t0)
	if d < 0 {
		return -1
	}
	return int64(d / a.period)
}

func (a *aggregator) add(s *metrics.Sample) {
	if s.Metric == nil {
		return
	}
	switch s.Metric.Name {
	case metricQueryDuration:
		a.addQuery(s)
	case metricServerCPU, metricServerHeapUsed, metricServerHeapMax, metricServerTx, metricServerGC:
		a.addServer(s)
	case metricIterations:
		a.tl.at(a.periodOf(s.Time)).iterations += s.Value
		a.iterations += s.Value
	case metricDropped:
		a.tl.at(a.periodOf(s.Time)).dropped += s.Value
		a.dropped += s.Value
	case metricVUs:
		b := a.tl.at(a.periodOf(s.Time))
		if !b.hasVUs || s.Value > b.vus {
			b.vus, b.hasVUs = s.Value, true
		}
		// The latest value is the current one; samples arrive nearly in order.
		if !a.hasVUs || !s.Time.Before(a.last) {
			a.vus = s.Value
		}
		if !a.hasVUs || s.Value > a.vusMax {
			a.vusMax = s.Value
		}
		a.hasVUs = true
	case metricChecks:
		b := a.tl.at(a.periodOf(s.Time))
		// Not through the tag cache: a check's tag set is made afresh for each check() call.
		name, _ := s.Tags.Get("check")
		group, _ := s.Tags.Get("group")
		k := checkKey{metrics.EscapeControl(group), metrics.EscapeControl(name)}
		c := a.checks[k]
		if c == nil {
			if len(a.checks) >= a.maxSeries*5 {
				a.warnCap("checks", a.maxSeries*5)
				k = checkKey{"", other}
				c = a.checks[k]
			}
			if c == nil {
				c = &checkRow{group: k.group, name: k.name, order: len(a.checks)}
				a.checks[k] = c
			}
		}
		if s.Value != 0 {
			b.checksPass++
			a.checksPass++
			c.passes++
		} else {
			b.checksFail++
			a.checksFail++
			c.fails++
		}
	}
}

func (a *aggregator) addQuery(s *metrics.Sample) {
	b := a.tl.at(a.periodOf(s.Time))
	in := a.info(s.Tags)
	if in.nameID < 0 {
		in.nameID = a.id(&a.names, a.nameIDs, in.name)
		k := rowKey{in.nameID, in.mode}
		in.row = a.rows[k]
		if in.row == nil && len(a.rows) >= 4*a.maxSeries { // modes come from the module: a few
			a.warnCap("query rows (name and mode)", 4*a.maxSeries)
			k.mode = other
			in.row = a.rows[k]
		}
		if in.row == nil {
			in.row = &queryRow{name: a.names[in.nameID], mode: k.mode}
			a.rows[k] = in.row
		}
	}
	// As the engine's per-query table: anything but status "ok" is a failure.
	failed := in.status != "ok"
	n := b.name(in.nameID)
	n.count++
	n.lat.add(s.Value)
	n.fresh = false
	b.queries++
	a.queries++
	in.row.count++
	in.row.dur.Add(s.Value)
	if failed {
		if in.codeID < 0 {
			code := in.code
			if code == "" {
				code = "(no code)"
			}
			in.codeID = a.id(&a.codes, a.codeIDs, code)
		}
		n.failures++
		b.failures++
		b.addError(in.codeID)
		a.failures++
		in.row.failures++
		if in.codeID >= len(a.codeTotals) {
			a.codeTotals = append(a.codeTotals, make([]uint64, in.codeID+1-len(a.codeTotals))...)
		}
		a.codeTotals[in.codeID]++
		a.byCode[[2]int{in.codeID, in.nameID}]++
	}
}

// duration is how long the run has lasted by its samples' clock, at least one period (so a
// run of a few milliseconds does not report absurd rates).
func (a *aggregator) duration() time.Duration {
	return max(a.last.Sub(a.first), a.period)
}

// snapshot copies out everything the page draws. It is the only work done under the
// output's lock besides aggregation, so it copies numbers and leaves the encoding to the
// caller; percentiles of buckets that did not change since the last snapshot are cached.
func (a *aggregator) snapshot() *Snapshot {
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	s := &Snapshot{
		Version:  snapshotVersion,
		Period:   ms(a.period),
		Names:    []NameSeries{},
		Errors:   []ErrorSeries{},
		Queries:  []QueryRow{},
		Checks:   []CheckRow{},
		Duration: ms(a.duration()),
	}
	if a.started {
		s.Start, s.Elapsed = a.t0.UnixMilli(), ms(a.last.Sub(a.t0))
	}
	n := len(a.tl.buckets)
	bs := &s.Buckets
	bs.T, bs.D = make([]int64, n), make([]int64, n)
	bs.Queries, bs.Failures = make([]uint64, n), make([]uint64, n)
	bs.Iterations, bs.Dropped, bs.VUs = make(Nums, n), make(Nums, n), make(Nums, n)
	bs.ChecksPass, bs.ChecksFail = make([]uint64, n), make([]uint64, n)
	for i, b := range a.tl.buckets {
		bs.T[i] = b.start * ms(a.period)
		bs.D[i] = (b.end - b.start) * ms(a.period)
		bs.Queries[i], bs.Failures[i] = b.queries, b.failures
		bs.Iterations[i], bs.Dropped[i] = b.iterations, b.dropped
		bs.VUs[i] = math.NaN()
		if b.hasVUs {
			bs.VUs[i] = b.vus
		}
		bs.ChecksPass[i], bs.ChecksFail[i] = b.checksPass, b.checksFail
	}
	for id, name := range a.names {
		ns := NameSeries{Name: name, Count: make([]uint64, n), Failures: make([]uint64, n),
			P50: make(Nums, n), P95: make(Nums, n), P99: make(Nums, n)}
		for i, b := range a.tl.buckets {
			if id >= len(b.names) || b.names[id].count == 0 {
				ns.P50[i], ns.P95[i], ns.P99[i] = math.NaN(), math.NaN(), math.NaN()
				continue
			}
			st := &b.names[id]
			ns.Count[i], ns.Failures[i] = st.count, st.failures
			ns.Total += st.count
			q := st.percentiles()
			ns.P50[i], ns.P95[i], ns.P99[i] = q[0], q[1], q[2]
		}
		s.Names = append(s.Names, ns)
	}
	for id, code := range a.codes {
		es := ErrorSeries{Code: code, Count: make([]uint64, n), Total: a.codeTotals[id]}
		for i, b := range a.tl.buckets {
			if id < len(b.errors) {
				es.Count[i] = b.errors[id]
			}
		}
		type nc struct {
			name string
			n    uint64
		}
		var where []nc
		for k, c := range a.byCode {
			if k[0] == id {
				where = append(where, nc{a.names[k[1]], c})
			}
		}
		slices.SortFunc(where, func(x, y nc) int {
			return cmp.Or(cmp.Compare(y.n, x.n), cmp.Compare(x.name, y.name))
		})
		for _, w := range where {
			es.Queries = append(es.Queries, w.name)
		}
		s.Errors = append(s.Errors, es)
	}

	secs := a.duration().Seconds()
	for _, r := range a.rows {
		d := &r.dur
		s.Queries = append(s.Queries, QueryRow{Name: r.name, Mode: r.mode, Count: r.count, Failures: r.failures,
			Rate: float64(r.count) / secs, Avg: d.Avg(), P50: d.P(0.5), P95: d.P(0.95), P99: d.P(0.99), Max: d.Max()})
	}
	slices.SortFunc(s.Queries, func(x, y QueryRow) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Name, y.Name), cmp.Compare(x.Mode, y.Mode))
	})
	for _, c := range a.checks {
		s.Checks = append(s.Checks, CheckRow{Group: c.group, Name: c.name, Passes: c.passes, Fails: c.fails, order: c.order})
	}
	slices.SortFunc(s.Checks, func(x, y CheckRow) int { return cmp.Compare(x.order, y.order) })

	s.Servers = a.serverSeries()

	s.Totals = Totals{Queries: a.queries, Failures: a.failures, Iterations: a.iterations, Dropped: a.dropped,
		ChecksPass: a.checksPass, ChecksFail: a.checksFail, QueryRate: float64(a.queries) / secs,
		IterationRate: a.iterations / secs, VUs: Num(math.NaN()), VUsMax: Num(math.NaN())}
	if a.hasVUs {
		s.Totals.VUs, s.Totals.VUsMax = Num(a.vus), Num(a.vusMax)
	}
	return s
}
