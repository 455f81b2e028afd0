package neo4j

import (
	"sync"
)

// RunReport is what the module learned about the servers and queries of a run, beyond the
// metrics: which server each identity reached, and each named query's plan and profile. The
// host puts it in handleSummary's data (data.neo4j), the text summary, the first lines of
// --out json and the HTML report. Its JSON is a contract: scripts read it.
type RunReport struct {
	Servers []ServerInfo `json:"servers"`
	// Queries are by query name (tags.name or the default name).
	Queries map[string]*QueryInfo `json:"queries"`
}

// ServerInfo is the server one identity and database reached, read once per identity and
// database when it first connected.
type ServerInfo struct {
	Identity string `json:"identity"` // principal@host:port, as in the identity tag
	// Address is the host:port the driver reached (a cluster member for neo4j://).
	Address string `json:"address"`
	Agent   string `json:"agent"`   // the server's agent string, e.g. "Neo4j/2026.08.1"
	Version string `json:"version"` // e.g. "2026.08.1"
	Edition string `json:"edition"` // "community" or "enterprise"
	// Protocol is the Bolt version the connection speaks, e.g. "5.8".
	Protocol string `json:"protocol"`
	Database string `json:"database"`
	// DefaultDatabase says whether Database is the server's default database.
	DefaultDatabase bool `json:"defaultDatabase"`
	// Error names what could not be read (e.g. no right to SHOW DATABASES); the fields it
	// would have filled are empty.
	Error string `json:"error,omitempty"`
}

// QueryInfo is what is known of one named query beyond its metrics.
type QueryInfo struct {
	Name     string `json:"name"`
	Identity string `json:"identity"`
	Database string `json:"database"`
	// Plan is the query's plan from EXPLAIN, captured once (nothing is executed); nil when
	// it could not be (PlanError says why).
	Plan      *PlanNode `json:"plan,omitempty"`
	PlanError string    `json:"planError,omitempty"`
	// Profiled counts the calls that ran as PROFILE.
	Profiled uint64 `json:"profiled"`
	// Slowest is the slowest profiled call, with its per-operator db hits and rows.
	Slowest *ProfiledCall `json:"slowestProfile,omitempty"`
}

// ProfiledCall is one call that ran as PROFILE.
type ProfiledCall struct {
	DurationMs float64   `json:"durationMs"` // as neo4j_query_duration measured it
	DbHits     int64     `json:"dbHits"`     // over every operator
	Rows       int64     `json:"rows"`       // over every operator
	Plan       *PlanNode `json:"plan"`
}

// PlanNode is one operator of a plan, with its children (the operators that feed it).
type PlanNode struct {
	Operator string `json:"operator"`
	// Details is the operator's own description (e.g. "n:Person", "n.id = $id"), string
	// literals replaced by '?' like default query names.
	Details       string   `json:"details,omitempty"`
	EstimatedRows float64  `json:"estimatedRows"`
	Identifiers   []string `json:"identifiers"`
	// DbHits and Rows are set in profiled plans only.
	DbHits   *int64      `json:"dbHits,omitempty"`
	Rows     *int64      `json:"rows,omitempty"`
	Children []*PlanNode `json:"children"`
}

// runInfo holds what RunReport returns; it outlives the pool, so the report can be made
// after the module is closed.
type runInfo struct {
	mu sync.Mutex
	// onServer, when set, hears of each server as it is learned (the host's --out json).
	onServer func(ServerInfo)
	// seen holds the identity and database pairs read or being read; servers are their
	// slots in first-connected order (see noteServer).
	seen    map[string]struct{}
	servers []*serverSlot

	// deliver serialises the calls of onServer, so that each server is heard once and in
	// order; delivered counts the slots handed over (under mu).
	deliver   sync.Mutex
	delivered int
}

// Report returns what the module has learned so far. It is safe to call at any time, also
// after Close.
func (r *RootModule) Report() *RunReport {
	return &RunReport{Servers: r.serverInfos(), Queries: r.queryInfos()}
}

// Imported says whether a script imported the module in this run (its metrics are
// registered on the first import): the host reports on neo4j only then. Call it once the
// init code has run (it reads what the import set, which the end of init orders before).
func (r *RootModule) Imported() bool { return r.metrics != nil }

// OnServer sets a function to call for every server learned from now on, and calls it at
// once for those already known, so that an output started after init misses none. Each
// server is handed to f exactly once, in first-connected order, on one goroutine at a time
// (a read that ends while f runs waits its turn). A new f starts again from the first server;
// nil stops the calls.
func (r *RootModule) OnServer(f func(ServerInfo)) {
	r.info.deliver.Lock()
	r.info.mu.Lock()
	r.info.onServer, r.info.delivered = f, 0
	r.info.mu.Unlock()
	r.info.deliver.Unlock()
	r.deliverServers()
}

// deliverServers hands onServer the servers read since the last call, in order; a slot
// still being read stops the hand-over until its read ends (which calls this again).
func (r *RootModule) deliverServers() {
	r.info.deliver.Lock()
	defer r.info.deliver.Unlock()
	for {
		r.info.mu.Lock()
		f := r.info.onServer
		if f == nil || r.info.delivered >= len(r.info.servers) || !r.info.servers[r.info.delivered].done {
			r.info.mu.Unlock()
			return
		}
		s := r.info.servers[r.info.delivered]
		r.info.delivered++
		r.info.mu.Unlock()
		if !s.dup {
			f(s.info)
		}
	}
}
