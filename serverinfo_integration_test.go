package neo4j_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	gneo4j "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// infoCounter is a driver whose GetServerInfo calls are counted: the module's read of a
// server's facts makes exactly one per identity and database it reads.
type infoCounter struct {
	gneo4j.DriverWithContext
	n *atomic.Int64
}

func (d infoCounter) GetServerInfo(ctx context.Context) (gneo4j.ServerInfo, error) {
	d.n.Add(1)
	return d.DriverWithContext.GetServerInfo(ctx)
}

// countingRoot is a root module whose drivers count the server reads into n.
func countingRoot(t *testing.T, n *atomic.Int64) *neo4j.RootModule {
	root := neo4j.NewWithFactory(func(tg neo4j.Target, pw string, s neo4j.Settings) (gneo4j.DriverWithContext, error) {
		d, err := neo4j.NewDriver(tg, pw, s)
		if err != nil {
			return nil, err
		}
		return infoCounter{DriverWithContext: d, n: n}, nil
	})
	t.Cleanup(func() { _ = root.Close() })
	return root
}

// connectIn makes a VU on root and runs connect(uri, opts) in its init code.
func connectIn(t *testing.T, root *neo4j.RootModule, srv testenv.Neo4j, opts string) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Import("neo4j", root)
	vu.Env["TEST_URI"], vu.Env["TEST_PW"] = srv.URI, srv.Password
	_ = vu.RT.Set("__ENV", vu.Env)
	if _, err := vu.Run(`neo4j.connect(__ENV.TEST_URI, ` + opts + `)`); err != nil {
		t.Fatalf("connect(%s): %v", opts, err)
	}
	return vu
}

// The server a run tested: agent, version, edition, address, Bolt version and the database
// with its default-ness, read once per identity and database however many VUs connect, and
// never counted as a query.
func TestServerInfoIsReadOncePerIdentityAndDatabase(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	var reads atomic.Int64
	root := countingRoot(t, &reads)
	var heard []neo4j.ServerInfo
	var mu sync.Mutex
	root.OnServer(func(s neo4j.ServerInfo) { mu.Lock(); heard = append(heard, s); mu.Unlock() })

	// Twenty VUs connect at once as neo4j to the default database: one read.
	var wg sync.WaitGroup
	vus := make([]*modulestest.VU, 20)
	for i := range vus {
		vus[i] = modulestest.NewVU(t)
		vus[i].Import("neo4j", root)
		vus[i].Env["TEST_URI"], vus[i].Env["TEST_PW"] = srv.URI, srv.Password
		_ = vus[i].RT.Set("__ENV", vus[i].Env)
	}
	errs := make([]error, len(vus))
	for i, vu := range vus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = vu.Run(`neo4j.connect(__ENV.TEST_URI, {user: 'neo4j', password: __ENV.TEST_PW})`)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("VU %d: connect: %v", i, err)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("20 VUs connecting as one identity read the server %d times, want 1", n)
	}
	// The system database, another user, and neo4j named explicitly (connect()'s default
	// database: no new read), then system again from another VU (no new read either).
	connectIn(t, root, srv, `{user: 'neo4j', password: __ENV.TEST_PW, database: 'system'}`)
	connectIn(t, root, srv, `{user: 'loadtest2', password: __ENV.TEST_PW}`)
	connectIn(t, root, srv, `{user: 'neo4j', password: __ENV.TEST_PW, database: 'neo4j'}`)
	connectIn(t, root, srv, `{user: 'neo4j', password: __ENV.TEST_PW, database: 'system'}`)
	if n := reads.Load(); n != 3 {
		t.Fatalf("read the server %d times, want 3 (one per identity and database)", n)
	}

	servers := root.Report().Servers
	if len(servers) != 3 {
		t.Fatalf("servers: %+v, want 3 (neo4j/neo4j, neo4j/system, loadtest2/neo4j)", servers)
	}
	for i, want := range []struct {
		identity, db string
		isDefault    bool
	}{{"neo4j@" + srv.HostPort, "neo4j", true}, {"neo4j@" + srv.HostPort, "system", false}, {"loadtest2@" + srv.HostPort, "neo4j", true}} {
		s := servers[i]
		if s.Error != "" {
			t.Fatalf("server %d: error %q", i, s.Error)
		}
		if s.Identity != want.identity || s.Database != want.db || s.DefaultDatabase != want.isDefault {
			t.Fatalf("server %d: %+v, want identity %s database %s default %v", i, s, want.identity, want.db, want.isDefault)
		}
		if s.Agent != "Neo4j/"+s.Version || s.Version == "" {
			t.Fatalf("server %d: agent %q and version %q do not agree", i, s.Agent, s.Version)
		}
		if s.Edition != "community" || s.Address != srv.HostPort || !strings.HasPrefix(s.Protocol, "5.") {
			t.Fatalf("server %d: %+v, want edition community at %s over Bolt 5.x", i, s, srv.HostPort)
		}
	}
	t.Logf("server: %+v", servers[0])

	// Each server heard once, in first-connected order.
	mu.Lock()
	got := fmt.Sprint(heard)
	mu.Unlock()
	if got != fmt.Sprint(servers) {
		t.Fatalf("OnServer heard %s\nwant %s", got, fmt.Sprint(servers))
	}
	// A second listener hears the known ones at once, also exactly once.
	var again []neo4j.ServerInfo
	root.OnServer(func(s neo4j.ServerInfo) { again = append(again, s) })
	if fmt.Sprint(again) != fmt.Sprint(servers) {
		t.Fatalf("a listener set late heard %v, want %v", again, servers)
	}
	for _, vu := range vus {
		if ss := vu.Samples(); len(ss) != 0 {
			t.Fatalf("connect() pushed %d samples (the server read must not count as a query): %v", len(ss), ss[0].Metric.Name)
		}
	}
	b, _ := json.Marshal(root.Report())
	if strings.Contains(string(b), srv.Password) {
		t.Fatal("the report holds the password")
	}
}

// A database the user may not see, or that does not exist, is named in Error; connect()
// itself still succeeds when the driver does (it finds out at the first query).
func TestServerInfoNamesWhatItCouldNotRead(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	var reads atomic.Int64
	root := countingRoot(t, &reads)
	connectIn(t, root, srv, `{user: 'neo4j', password: __ENV.TEST_PW, database: 'nosuchdb'}`)
	servers := root.Report().Servers
	if len(servers) != 1 {
		t.Fatalf("servers: %+v, want 1", servers)
	}
	s := servers[0]
	if !strings.Contains(s.Error, `SHOW DATABASES: lists no database "nosuchdb"`) || s.Version == "" || s.Agent == "" {
		t.Fatalf("got %+v, want the version and agent read and an error naming the database", s)
	}
	if s.Database != "nosuchdb" || s.DefaultDatabase {
		t.Fatalf("got database %q default %v, want the name asked for, not default", s.Database, s.DefaultDatabase)
	}
	b, _ := json.Marshal(s)
	if strings.Contains(string(b), srv.Password) {
		t.Fatal("the server info holds the password")
	}
}
