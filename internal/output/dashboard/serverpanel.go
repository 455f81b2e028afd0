package dashboard

import (
	"math"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The server metrics the Server panel draws, as the module's sampler emits them (one sampler
// per identity, tagged identity and db). The others it emits (threads, GC counts, the
// longest transaction) are not drawn.
const (
	metricServerCPU      = "neo4j_server_cpu"                  // gauge, ProcessCpuLoad, 0..1
	metricServerHeapUsed = "neo4j_server_heap_used_bytes"      // gauge
	metricServerHeapMax  = "neo4j_server_heap_max_bytes"       // gauge
	metricServerTx       = "neo4j_server_transactions_running" // gauge
	metricServerGC       = "neo4j_server_gc_seconds"           // counter: seconds in GC since the previous reading
)

// maxServers bounds the identities drawn as their own series in the Server panel; the rest
// fold into other. A run talks to a handful of servers, and five lines per chart is what a
// reader can still tell apart.
const maxServers = 4

// gcLastMax bounds the per-identity times of the latest GC reading; past it the map is
// emptied, which costs each identity one reading without a known interval.
const gcLastMax = 256

// serverStats is one server identity's share of a bucket. Gauges keep the largest reading in
// the bucket (NaN: none), so a bucket merged from two, or an "(other)" series folded from
// several identities, shows the peak; GC keeps the seconds spent in GC and the wall time the
// readings cover, so merging adds both and the rate stays right.
type serverStats struct {
	cpu, heapUsed, heapMax, tx float64
	gcSec, gcSpan              float64
}

var noServerStats = serverStats{cpu: math.NaN(), heapUsed: math.NaN(), heapMax: math.NaN(), tx: math.NaN()}

// maxKnown is the larger of a and b, ignoring a NaN (no reading).
func maxKnown(a, b float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return max(a, b)
}

func (st *serverStats) merge(o *serverStats) {
	st.cpu = maxKnown(st.cpu, o.cpu)
	st.heapUsed = maxKnown(st.heapUsed, o.heapUsed)
	st.heapMax = maxKnown(st.heapMax, o.heapMax)
	st.tx = maxKnown(st.tx, o.tx)
	st.gcSec += o.gcSec
	st.gcSpan += o.gcSpan
}

func (b *bucket) server(id int) *serverStats {
	for id >= len(b.servers) {
		b.servers = append(b.servers, noServerStats)
	}
	return &b.servers[id]
}

// serverID returns the id of identity's series, assigning one on first sight; past
// maxServers every new identity shares other's.
func (a *aggregator) serverID(identity string) int {
	if id, ok := a.serverIDs[identity]; ok {
		return id
	}
	if len(a.servers) >= maxServers && identity != other {
		a.warnCap("server identities", maxServers)
		return a.serverID(other)
	}
	if a.serverIDs == nil {
		a.serverIDs = map[string]int{}
	}
	id := len(a.servers)
	a.servers = append(a.servers, identity)
	a.serverIDs[identity] = id
	return id
}

// addServer folds one reading of the server sampler into its bucket.
func (a *aggregator) addServer(s *metrics.Sample) {
	identity := "(no identity)"
	if s.Tags != nil {
		if v, ok := s.Tags.Get("identity"); ok && v != "" {
			identity = metrics.EscapeControl(v)
		}
	}
	st := a.tl.at(a.periodOf(s.Time)).server(a.serverID(identity))
	a.hasServer = true
	switch s.Metric.Name {
	case metricServerCPU:
		st.cpu = maxKnown(st.cpu, s.Value)
	case metricServerHeapUsed:
		st.heapUsed = maxKnown(st.heapUsed, s.Value)
	case metricServerHeapMax:
		st.heapMax = maxKnown(st.heapMax, s.Value)
		a.hasHeapMax = true
	case metricServerTx:
		st.tx = maxKnown(st.tx, s.Value)
	case metricServerGC:
		// A reading is the GC time since the identity's previous one: it counts, with the
		// interval between the two, once that interval is known (the first reading has none,
		// and the sampler reports 0 for it).
		prev, ok := a.gcLast[identity]
		if !ok || s.Time.After(prev) {
			if len(a.gcLast) >= gcLastMax {
				clear(a.gcLast)
			}
			if a.gcLast == nil {
				a.gcLast = map[string]time.Time{}
			}
			a.gcLast[identity] = s.Time
		}
		if ok && s.Time.After(prev) {
			st.gcSec += s.Value
			st.gcSpan += s.Time.Sub(prev).Seconds()
		}
	}
}

// serverSeries copies the Server panel's series out of the timeline; nil when no server
// reading came.
func (a *aggregator) serverSeries() []ServerSeries {
	if !a.hasServer {
		return nil
	}
	n := len(a.tl.buckets)
	out := make([]ServerSeries, 0, len(a.servers))
	for id, identity := range a.servers {
		ss := ServerSeries{Identity: identity, CPU: make(Nums, n), HeapUsed: make(Nums, n),
			Transactions: make(Nums, n), GC: make(Nums, n)}
		if a.hasHeapMax {
			ss.HeapMax = make(Nums, n)
		}
		for i, b := range a.tl.buckets {
			st := noServerStats
			if id < len(b.servers) {
				st = b.servers[id]
			}
			ss.CPU[i], ss.HeapUsed[i], ss.Transactions[i] = st.cpu, st.heapUsed, st.tx
			if ss.HeapMax != nil {
				ss.HeapMax[i] = st.heapMax
			}
			ss.GC[i] = math.NaN()
			if st.gcSpan > 0 {
				ss.GC[i] = 1000 * st.gcSec / st.gcSpan
			}
		}
		out = append(out, ss)
	}
	return out
}
