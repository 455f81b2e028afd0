package dashboard

// timeline is the run cut into time buckets, oldest first, never more than max of them.
//
// # Downsampling
//
// A bucket starts as one period (level 0). When a new one would make more than max, the
// timeline merges pairs of neighbours: it picks the level that has the most buckets (on a
// tie, the coarser level), and merges its two oldest into one bucket of the next level. Levels
// never increase from old to new (a merge puts its result right after the buckets of the
// next level, which are all older), so each level is one contiguous run and "its two oldest"
// are neighbours.
//
// The effect: a run that fits in max periods keeps every period; a longer one keeps about
// the same number of buckets at each level, so the newest stretch stays at full resolution
// (what the live page needs) and resolution halves level by level going back in time, e.g.
// with max 600 and 1 s periods a day-long run ends with ~55 one-second buckets, then ~55 of
// 2 s, ... up to buckets of about 17 min at the start. Memory is bounded by max whatever the
// run's length, and merging loses nothing that the charts show: counts add, histograms merge
// exactly.
//
// Periods in which nothing arrived have no bucket (a gap); a merge across a gap spans it, so
// rates over the merged bucket stay right.
type timeline struct {
	max     int
	buckets []*bucket
	levels  [64]int // how many buckets at each level
}

// bucket holds what arrived in periods [start, end) of the run.
type bucket struct {
	start, end int64
	level      uint8

	queries, failures   uint64
	iterations, dropped float64
	vus                 float64 // the largest value of the vus gauge
	hasVUs              bool
	checksPass          uint64
	checksFail          uint64

	names   []nameStats   // by name id
	errors  []uint64      // failed queries by error code id
	servers []serverStats // server readings by server id
}

// nameStats is one query name's share of a bucket.
type nameStats struct {
	count, failures uint64
	lat             hist
	q               [3]float64 // p50, p95, p99 of lat, valid when fresh
	fresh           bool
}

var quantiles = []float64{0.5, 0.95, 0.99}

// percentiles returns p50, p95 and p99, computing them only when something was added since.
func (n *nameStats) percentiles() [3]float64 {
	if !n.fresh {
		n.lat.quantiles(quantiles, n.q[:])
		n.fresh = true
	}
	return n.q
}

func (b *bucket) name(id int) *nameStats {
	if id >= len(b.names) {
		b.names = append(b.names, make([]nameStats, id+1-len(b.names))...)
	}
	return &b.names[id]
}

func (b *bucket) addError(id int) {
	if id >= len(b.errors) {
		b.errors = append(b.errors, make([]uint64, id+1-len(b.errors))...)
	}
	b.errors[id]++
}

// merge adds o, the bucket right after b, into b.
func (b *bucket) merge(o *bucket) {
	b.end = o.end
	b.queries += o.queries
	b.failures += o.failures
	b.iterations += o.iterations
	b.dropped += o.dropped
	switch {
	case o.hasVUs && b.hasVUs:
		b.vus = max(b.vus, o.vus)
	case o.hasVUs:
		b.vus, b.hasVUs = o.vus, true
	}
	b.checksPass += o.checksPass
	b.checksFail += o.checksFail
	for id := range o.names {
		on := &o.names[id]
		if on.count == 0 {
			continue
		}
		n := b.name(id)
		n.count += on.count
		n.failures += on.failures
		n.lat.merge(&on.lat)
		n.fresh = false
	}
	for id, c := range o.errors {
		if c == 0 {
			continue
		}
		if id >= len(b.errors) {
			b.errors = append(b.errors, make([]uint64, id+1-len(b.errors))...)
		}
		b.errors[id] += c
	}
	for id := range o.servers {
		b.server(id).merge(&o.servers[id])
	}
}

// at returns the bucket for period idx, making one when idx is past the newest. A period
// before the first bucket goes to the first; one in a gap (a late sample for a period in
// which nothing else arrived) goes to the bucket before the gap.
func (tl *timeline) at(idx int64) *bucket {
	if n := len(tl.buckets); n == 0 || idx >= tl.buckets[n-1].end {
		tl.buckets = append(tl.buckets, &bucket{start: idx, end: idx + 1})
		tl.levels[0]++
		tl.compact()
	}
	// Nearly every sample is for the newest bucket or the one before.
	for i := len(tl.buckets) - 1; i > 0; i-- {
		if tl.buckets[i].start <= idx {
			return tl.buckets[i]
		}
	}
	return tl.buckets[0]
}

// compact merges neighbours until there are at most max buckets (see timeline).
func (tl *timeline) compact() {
	for len(tl.buckets) > tl.max {
		level := -1
		for l := len(tl.levels) - 2; l >= 0; l-- { // coarsest first: it wins ties
			if tl.levels[l] >= 2 && (level < 0 || tl.levels[l] > tl.levels[level]) {
				level = l
			}
		}
		if level < 0 {
			return // cannot happen with max >= 64: some level holds two buckets
		}
		i := 0 // the oldest bucket of the level: after every coarser one
		for l := level + 1; l < len(tl.levels); l++ {
			i += tl.levels[l]
		}
		b := tl.buckets[i]
		b.merge(tl.buckets[i+1])
		b.level++
		copy(tl.buckets[i+1:], tl.buckets[i+2:])
		tl.buckets[len(tl.buckets)-1] = nil // release the merged-away bucket
		tl.buckets = tl.buckets[:len(tl.buckets)-1]
		tl.levels[level] -= 2
		tl.levels[level+1]++
	}
}
