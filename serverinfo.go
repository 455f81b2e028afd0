package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// What connect() learns of the server, once per identity and database for the run.
//
// The read is synchronous, in the connect() that first reaches an identity and database
// (usually in the init code of the first VU), and bounded by serverInfoBound: that connect()
// waits for it, every later one for the same identity and database (any VU, init or not)
// skips it at once. So the servers a script connects to in init are known before the outputs
// open, and those connected to later (setup, default) as soon as their first connect()
// returns. The read runs on the lease's driver outside any VU call: it never shows in the
// query metrics, and a failure of any part of it only sets ServerInfo.Error.

// serverInfoBound is the longest one read of a server's facts may take: the driver's server
// info, dbms.components() and SHOW DATABASES together.
const serverInfoBound = 3 * time.Second

// maxServers bounds the identity and database pairs read in one run: a script that connects
// as a new user in every iteration must not grow the report (or the reads) without end.
const maxServers = 256

// serverSlot is one identity and database, in first-connected order; done once read.
type serverSlot struct {
	key  string
	info ServerInfo
	done bool
	dup  bool // read as the same identity and database as an earlier slot (e.g. "" and "neo4j")
}

// serverInfos returns the servers learned so far, in the order first connected. A read
// still running is left out (its connect() has not returned yet).
func (r *RootModule) serverInfos() []ServerInfo {
	r.info.mu.Lock()
	defer r.info.mu.Unlock()
	out := make([]ServerInfo, 0, len(r.info.servers))
	for _, s := range r.info.servers {
		if s.done && !s.dup {
			out = append(out, s.info)
		}
	}
	return out
}

// noteServer reads which server the lease's identity and database reach, once per identity
// and database for the run; see serverInfoBound.
// ctx is the connecting VU's: a run stopped during init does not wait for the read.
func (r *RootModule) noteServer(ctx context.Context, lease *Lease, target Target, database string) {
	key := target.Identity() + "\x00" + database
	r.info.mu.Lock()
	if _, ok := r.info.seen[key]; ok || len(r.info.servers) >= maxServers {
		r.info.mu.Unlock()
		return
	}
	if r.info.seen == nil {
		r.info.seen = make(map[string]struct{})
	}
	r.info.seen[key] = struct{}{}
	slot := &serverSlot{key: key}
	r.info.servers = append(r.info.servers, slot)
	r.info.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, serverInfoBound)
	info := readServerInfo(ctx, lease.Driver(), target, database)
	cancel()

	r.info.mu.Lock()
	slot.info, slot.done = info, true
	for _, s := range r.info.servers {
		if s != slot && s.done && !s.dup && s.info.Identity == info.Identity && s.info.Database == info.Database && info.Error == "" {
			slot.dup = true
			break
		}
	}
	r.info.mu.Unlock()
	r.deliverServers()
}

// readServerInfo asks the server who it is (the driver's server info: agent, address, Bolt
// version), what it runs (dbms.components(): version and edition) and whether database is
// its default database (SHOW DATABASES on the system database, which any user that may log
// in may run; it lists the databases the user can see). Every part that fails is named in
// Error, and leaves its fields empty; the others are still filled.
func readServerInfo(ctx context.Context, d neo4j.DriverWithContext, target Target, database string) (info ServerInfo) {
	info = ServerInfo{Identity: target.Identity(), Database: database}
	defer func() {
		// connect() must not fail for what is only a report (a driver of a test, or a
		// wrapper, may not implement every call).
		if p := recover(); p != nil {
			info = ServerInfo{Identity: target.Identity(), Database: database, Error: fmt.Sprintf("reading the server failed: %v", p)}
		}
	}()
	var errs []string
	fail := func(what string, err error) {
		errs = append(errs, what+": "+oneLine(err))
	}
	if d == nil {
		info.Error = "no driver to read the server with"
		return info
	}
	if si, err := d.GetServerInfo(ctx); err != nil {
		fail("the driver's server info", err)
	} else {
		info.Address, info.Agent = si.Address(), si.Agent()
		info.Protocol = fmt.Sprintf("%d.%d", si.ProtocolVersion().Major, si.ProtocolVersion().Minor)
	}
	s := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "system", AccessMode: neo4j.AccessModeRead})
	defer func() {
		// A server that stopped answering must not hold connect() past the bound either.
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = s.Close(cctx)
	}()

	rows, err := collect(ctx, s, "CALL dbms.components() YIELD name, versions, edition")
	if err != nil {
		fail("CALL dbms.components()", err)
	}
	for _, row := range rows {
		// "Neo4j Kernel" is the DBMS; other components (none on current servers) are not.
		if name, _ := row["name"].(string); name != "Neo4j Kernel" && len(rows) > 1 {
			continue
		}
		if vs, _ := row["versions"].([]any); len(vs) > 0 {
			info.Version, _ = vs[0].(string)
		}
		info.Edition, _ = row["edition"].(string)
		break
	}

	// YIELD * rather than named columns: `home` and `aliases` are not on every version.
	rows, err = collect(ctx, s, "SHOW DATABASES YIELD *")
	if err != nil {
		fail("SHOW DATABASES", err)
	} else if name, def, ok := pickDatabase(rows, database); ok {
		info.Database, info.DefaultDatabase = name, def
	} else if database == "" {
		fail("SHOW DATABASES", errors.New("lists no home or default database for this user"))
	} else {
		fail("SHOW DATABASES", fmt.Errorf("lists no database %q (or the user may not see it)", database))
	}
	info.Error = strings.Join(errs, "; ")
	return info
}

// pickDatabase finds database in SHOW DATABASES' rows (by name or alias, as the server
// matches names: without regard to case); "" is the user's home database, or the default
// one on versions without `home`. It returns the database's own name and whether it is the
// default.
func pickDatabase(rows []map[string]any, database string) (name string, isDefault, ok bool) {
	flag := func(row map[string]any, col string) bool { b, _ := row[col].(bool); return b }
	for _, want := range []string{"home", "default"} {
		for _, row := range rows {
			n, _ := row["name"].(string)
			match := false
			switch {
			case database == "":
				match = flag(row, want)
			case strings.EqualFold(n, database):
				match = true
			default:
				aliases, _ := row["aliases"].([]any)
				for _, a := range aliases {
					if s, _ := a.(string); strings.EqualFold(s, database) {
						match = true
					}
				}
			}
			if match {
				return n, flag(row, "default"), true
			}
		}
		if database != "" {
			break // a name is looked for once
		}
	}
	return "", false, false
}

// serverInfoMetadata marks the reads' transactions as the tool's own (see samplerMetadata).
var serverInfoMetadata = map[string]any{"xk6neo4j": "server-info"}

// collect runs query in s and returns its records as maps.
func collect(ctx context.Context, s neo4j.SessionWithContext, query string) ([]map[string]any, error) {
	// Marked as the tool's own, so that the server sampler leaves it out.
	res, err := s.Run(ctx, query, nil, neo4j.WithTxMetadata(serverInfoMetadata))
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		out[i] = rec.AsMap()
	}
	return out, nil
}

// oneLine is err's message on one line, with a deadline said in words.
func oneLine(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", serverInfoBound)
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
