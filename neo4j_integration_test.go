package neo4j_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// newVU imports the module as `neo4j`, connects `db` in init context and moves to the VU
// context, as a script's VU would.
func newVU(t *testing.T, connectOpts string) (*modulestest.VU, *neo4j.RootModule, testenv.Neo4j) {
	t.Helper()
	srv := testenv.RequireNeo4j(t)
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	t.Cleanup(func() { _ = root.Close() })
	vu.Import("neo4j", root)
	vu.Env["TEST_URI"] = srv.URI
	vu.Env["TEST_PW"] = srv.Password
	_ = vu.RT.Set("__ENV", vu.Env)
	if connectOpts == "" {
		connectOpts = `{user: 'neo4j', password: __ENV.TEST_PW}`
	}
	if _, err := vu.Run(`var db = neo4j.connect(__ENV.TEST_URI, ` + connectOpts + `)`); err != nil {
		t.Fatalf("connect: %v", err)
	}
	vu.MoveToVUContext()
	return vu, root, srv
}

func samplesOf(ss []metrics.Sample, name string) []metrics.Sample {
	var out []metrics.Sample
	for _, s := range ss {
		if s.Metric.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func TestReadReturnsRecordsCountDurationAndTaggedSamples(t *testing.T) {
	vu, _, srv := newVU(t, "")
	v, err := vu.Run(`
		var r = db.read("UNWIND [1, 2, 3] AS x RETURN x, 'v' + x AS s", {}, {tags: {name: 'three'}});
		JSON.stringify({records: r.records, keys: r.keys, count: r.count, positive: r.duration > 0,
		                server: r.summary.server, db: r.summary.database, qt: r.summary.queryType})`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"records":[{"x":1,"s":"v1"},{"x":2,"s":"v2"},{"x":3,"s":"v3"}],"keys":["x","s"],"count":3,"positive":true,"server":"` +
		srv.HostPort + `","db":"neo4j","qt":"r"}`
	if v.String() != want {
		t.Fatalf("got  %s\nwant %s", v, want)
	}
	ss := vu.Samples()
	wantTags := map[string]string{"mode": "read", "name": "three", "db": "neo4j", "identity": "neo4j@" + srv.HostPort, "status": "ok"}
	for name, value := range map[string]float64{"neo4j_queries": 1, "neo4j_query_failed": 0, "neo4j_records": 3} {
		got := samplesOf(ss, name)
		if len(got) != 1 || got[0].Value != value {
			t.Fatalf("%s: got %v, want one sample of %v", name, got, value)
		}
		if tags := got[0].Tags.Map(); !equalMaps(tags, wantTags) {
			t.Fatalf("%s tags: got %v, want %v", name, tags, wantTags)
		}
	}
	d := samplesOf(ss, "neo4j_query_duration")
	if len(d) != 1 || d[0].Value <= 0 || d[0].Value > 10_000 {
		t.Fatalf("neo4j_query_duration: %v, want one positive sample in ms", d)
	}
	if len(samplesOf(ss, "neo4j_server_duration")) != 1 {
		t.Fatal("no neo4j_server_duration sample")
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWriteAndAutoCommitReportCounters(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
		var label = 'T' + Date.now();
		var w = db.write('CREATE (n:' + label + ' {id: $id}) RETURN n.id AS id', {id: 7});
		var d = db.run('MATCH (n:' + label + ') DELETE n');
		[w.records[0].id, w.summary.counters.nodesCreated, w.summary.queryType, d.summary.counters.nodesDeleted].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "7,1,rw,1" {
		t.Fatalf("got %s, want 7,1,rw,1 (id, nodesCreated, queryType, nodesDeleted)", v)
	}
	modes := map[string]int{}
	for _, s := range samplesOf(vu.Samples(), "neo4j_queries") {
		m, _ := s.Tags.Get("mode")
		modes[m]++
	}
	if modes["write"] != 1 || modes["auto"] != 1 {
		t.Fatalf("query modes %v, want one write and one auto", modes)
	}
}

func TestCypherErrorIsAJSExceptionWithCodeAndTheRunGoesOn(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
		var caught;
		try { db.read('RETRUN 1'); } catch (e) { caught = e; }
		var after = db.read('RETURN 1 AS one');
		JSON.stringify({name: caught.name, code: caught.code, hasMsg: /RETRUN|Invalid input/.test(caught.message), after: after.records[0].one})`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"Neo4jError","code":"Neo.ClientError.Statement.SyntaxError","hasMsg":true,"after":1}`
	if v.String() != want {
		t.Fatalf("got %s\nwant %s", v, want)
	}
	failed := samplesOf(vu.Samples(), "neo4j_query_failed")
	if len(failed) != 2 || failed[0].Value != 1 || failed[1].Value != 0 {
		t.Fatalf("neo4j_query_failed samples %v, want 1 then 0", failed)
	}
	if code, _ := failed[0].Tags.Get("error_code"); code != "Neo.ClientError.Statement.SyntaxError" {
		t.Fatalf("error_code tag %q", code)
	}
	if st, _ := failed[0].Tags.Get("status"); st != "error" {
		t.Fatalf("status tag %q, want error", st)
	}
}

func TestWrongPasswordNamesIdentityNotPassword(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	defer root.Close()
	vu.Import("neo4j", root)
	const bad = "not-the-Password-42"
	// loadtest3 is the launcher's spare user: the lock-out after failed logins must not hit
	// the account the other tests use.
	_, err := vu.Run(`neo4j.connect('` + srv.URI + `', {user: 'loadtest3', password: '` + bad + `'})`)
	if err == nil {
		t.Fatal("connect with a wrong password succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "loadtest3@"+srv.HostPort) || !strings.Contains(msg, "authentication") {
		t.Fatalf("error %q should name loadtest3@%s and say authentication failed", msg, srv.HostPort)
	}
	if strings.Contains(msg, bad) {
		t.Fatalf("the password appears in the error: %q", msg)
	}
	if created, _, _ := root.Pool().Stats(); created != 0 {
		t.Fatalf("a driver that failed to authenticate counts as created (%d)", created)
	}
}

func TestUnreachableServerFailsFastWithClearError(t *testing.T) {
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	defer root.Close()
	vu.Import("neo4j", root)
	start := time.Now()
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	_, err := vu.Run(`neo4j.connect('bolt://127.0.0.1:1', {user: 'neo4j', password: 'whatever-123', connectionTimeout: '2s'})`)
	if err == nil {
		t.Fatal("connect to a closed port succeeded")
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %s, want a bounded failure", el)
	}
	var ex *sobek.Exception
	if !errors.As(err, &ex) {
		t.Fatalf("want a JS exception, got %T", err)
	}
	code := ex.Value().ToObject(vu.RT).Get("code").String()
	if code != neo4j.CodeConnectivity || !strings.Contains(err.Error(), "neo4j@127.0.0.1:1") || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("code %q, error %q: want connectivity naming neo4j@127.0.0.1:1", code, err)
	}
}

func TestQueriesAreRefusedInInitContext(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	defer root.Close()
	vu.Import("neo4j", root)
	_, err := vu.Run(`neo4j.connect('` + srv.URI + `', {password: '` + srv.Password + `'}).read('RETURN 1')`)
	if err == nil || !strings.Contains(err.Error(), "init context") {
		t.Fatalf("got %v, want an error about the init context", err)
	}
}

func TestBadOptionsAreNamed(t *testing.T) {
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	defer root.Close()
	vu.Import("neo4j", root)
	_, err := vu.Run(`neo4j.connect('bolt://127.0.0.1:7687', {pasword: 'x', maxConnectionPoolSize: 'many', fetchSize: 0})`)
	if err == nil {
		t.Fatal("bad options accepted")
	}
	for _, want := range []string{`"pasword"`, `did you mean "password"`, `"maxConnectionPoolSize"`, `"many"`, `"fetchSize"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	for _, uri := range []string{"http://127.0.0.1:7474", "bolt://neo4j:secretpw@127.0.0.1"} {
		_, err := vu.Run(`neo4j.connect('` + uri + `', {})`)
		if err == nil {
			t.Errorf("URI %s accepted", uri)
		} else if strings.Contains(err.Error(), "secretpw") {
			t.Errorf("password from the URI leaked: %v", err)
		}
	}
}

func TestTheEndOfTheVUReleasesItsLease(t *testing.T) {
	vu, root, _ := newVU(t, "")
	if _, err := vu.Run(`db.read('RETURN 1')`); err != nil {
		t.Fatal(err)
	}
	if _, _, open := root.Pool().Stats(); open != 1 {
		t.Fatalf("open drivers %d, want 1", open)
	}
	vu.Discard()
	deadline := time.Now().Add(5 * time.Second)
	for {
		created, closed, open := root.Pool().Stats()
		if open == 0 && created == 1 && closed == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the VU ended: created %d closed %d open %d, want 1 1 0", created, closed, open)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
