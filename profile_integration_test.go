package neo4j_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	gneo4j "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// planWait bounds how long a test waits for background EXPLAINs (one or two round trips on
// an idle server; generous for a loaded CI machine).
const planWait = 15 * time.Second

// handDriver is a plain driver on the test server, for data set-up and the by-hand PROFILE
// the module's figures are checked against. It is outside the module: nothing it runs is
// counted.
func handDriver(t *testing.T, srv testenv.Neo4j) gneo4j.DriverWithContext {
	t.Helper()
	d, err := gneo4j.NewDriverWithContext(srv.URI, gneo4j.BasicAuth("neo4j", srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	return d
}

// seedLabel creates n nodes (:label {id: 0..n-1, name: 'name<i>'}) under a label of the
// test's own, and deletes them when the test ends.
func seedLabel(t *testing.T, d gneo4j.DriverWithContext, n int) string {
	t.Helper()
	label := fmt.Sprintf("PlanTest%d", time.Now().UnixNano())
	ctx := context.Background()
	run := func(q string) {
		if _, err := gneo4j.ExecuteQuery(ctx, d, q, map[string]any{"n": n}, gneo4j.EagerResultTransformer,
			gneo4j.ExecuteQueryWithDatabase("neo4j")); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run("UNWIND range(0, $n - 1) AS i CREATE (:" + label + " {id: i, name: 'name' + i})")
	t.Cleanup(func() { run("MATCH (x:" + label + ") DETACH DELETE x") })
	return label
}

// handProfile runs PROFILE of q through the driver and sums db hits and rows over every
// operator, as neo4j_db_hits and neo4j_rows promise to.
func handProfile(t *testing.T, d gneo4j.DriverWithContext, q string, params map[string]any) (hits, rows int64) {
	t.Helper()
	res, err := gneo4j.ExecuteQuery(context.Background(), d, "PROFILE "+q, params, gneo4j.EagerResultTransformer,
		gneo4j.ExecuteQueryWithDatabase("neo4j"), gneo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatal(err)
	}
	var walk func(p gneo4j.ProfiledPlan)
	walk = func(p gneo4j.ProfiledPlan) {
		hits += p.DbHits()
		rows += p.Records()
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Profile())
	return hits, rows
}

func samplesNamed(ss []metrics.Sample, metric, name string) []metrics.Sample {
	var out []metrics.Sample
	for _, s := range samplesOf(ss, metric) {
		if v, _ := s.Tags.Get("name"); v == name {
			out = append(out, s)
		}
	}
	return out
}

// findOp returns the first operator named op in the plan, depth first.
func findOp(n *neo4j.PlanNode, op string) *neo4j.PlanNode {
	if n == nil {
		return nil
	}
	if n.Operator == op {
		return n
	}
	for _, c := range n.Children {
		if f := findOp(c, op); f != nil {
			return f
		}
	}
	return nil
}

func TestExplainedPlansAppearInTheReportAndCountInNoMetric(t *testing.T) {
	vu, root, srv := newVU(t, "")
	label := seedLabel(t, handDriver(t, srv), 40)
	_ = vu.RT.Set("Q", "MATCH (n:"+label+") WHERE n.id = $id RETURN n.name, 'secret-literal-1' AS lit")
	_ = vu.RT.Set("QTX", "MATCH (n:"+label+") RETURN count(n) AS c")
	if _, err := vu.Run(`
		for (var i = 0; i < 5; i++) db.read(Q, {id: i}, {tags: {name: 'byId'}});
		db.readTx(function (tx) { tx.run(QTX, {}, {tags: {name: 'inTx'}}); });
		db.run('RETURN 1 AS one');`); err != nil {
		t.Fatal(err)
	}
	root.WaitPlans(planWait)
	rep := root.Report()
	q := rep.Queries["byId"]
	if q == nil || q.Plan == nil || q.PlanError != "" {
		t.Fatalf("byId: %+v (all: %v)", q, rep.Queries)
	}
	if q.Name != "byId" || q.Identity != "neo4j@"+srv.HostPort || q.Database != "neo4j" || q.Profiled != 0 || q.Slowest != nil {
		t.Fatalf("byId: %+v", q)
	}
	if q.Plan.Operator != "ProduceResults" {
		t.Fatalf("root operator %q, want ProduceResults", q.Plan.Operator)
	}
	scan := findOp(q.Plan, "NodeByLabelScan")
	if scan == nil || scan.Details != "n:"+label || scan.EstimatedRows < 30 || scan.EstimatedRows > 50 ||
		len(scan.Identifiers) != 1 || scan.Identifiers[0] != "n" {
		t.Fatalf("label scan: %+v, want n:%s with about 40 estimated rows", scan, label)
	}
	if f := findOp(q.Plan, "Filter"); f == nil || !strings.Contains(f.Details, "$id") || f.EstimatedRows <= 0 || f.EstimatedRows > scan.EstimatedRows {
		t.Fatalf("filter: %+v", f)
	}
	js, _ := json.Marshal(rep)
	if strings.Contains(string(js), "secret-literal") {
		t.Fatalf("a string literal of the query reached the report: %s", js)
	}
	if tx := rep.Queries["inTx"]; tx == nil || tx.Plan == nil || findOp(tx.Plan, "NodeCountFromCountStore") == nil {
		t.Fatalf("the plan of a tx.run query: %+v", tx)
	}
	if one := rep.Queries["RETURN ? AS one"]; one == nil || one.Plan == nil {
		t.Fatalf("the default-named run(): %+v (all: %v)", one, rep.Queries)
	}
	// Only the script's own calls are in the metrics: the EXPLAINs are not.
	ss := vu.Samples()
	if got := len(samplesOf(ss, "neo4j_queries")); got != 7 {
		t.Fatalf("%d neo4j_queries samples, want the script's 7", got)
	}
	if got := len(samplesNamed(ss, "neo4j_queries", "byId")); got != 5 {
		t.Fatalf("%d byId samples, want 5", got)
	}
	if got := len(samplesOf(ss, "neo4j_db_hits")); got != 0 {
		t.Fatalf("%d neo4j_db_hits samples without profile", got)
	}
	// More calls of a captured name change nothing: its plan is the one made at first.
	if _, err := vu.Run(`db.read(Q, {id: 9}, {tags: {name: 'byId'}})`); err != nil {
		t.Fatal(err)
	}
	root.WaitPlans(planWait)
	if again := root.Report().Queries["byId"]; again.Plan != q.Plan {
		t.Fatal("the plan of byId was captured again")
	}
}

func TestProfileOneGivesTheDbHitsOfAProfileByHand(t *testing.T) {
	vu, root, srv := newVU(t, "")
	d := handDriver(t, srv)
	label := seedLabel(t, d, 30)
	q := "MATCH (n:" + label + ") WHERE n.id < $max RETURN n.id AS id, n.name AS name ORDER BY id"
	params := map[string]any{"max": int64(10)}
	wantHits, wantRows := handProfile(t, d, q, params)
	if wantHits == 0 || wantRows == 0 {
		t.Fatalf("by hand: %d db hits, %d rows", wantHits, wantRows)
	}
	_ = vu.RT.Set("Q", q)
	v, err := vu.Run(`
		var plain = JSON.stringify(db.read(Q, {max: 10}, {tags: {name: 'plain'}}).records);
		var same = true;
		for (var i = 0; i < 3; i++) {
			var r = db.read(Q, {max: 10}, {tags: {name: 'prof'}, profile: 1});
			same = same && JSON.stringify(r.records) === plain && r.count === 10;
		}
		same`)
	if err != nil {
		t.Fatal(err)
	}
	if !v.ToBoolean() {
		t.Fatal("a profiled call returned other records than the plain one")
	}
	ss := vu.Samples()
	hits, rows := samplesNamed(ss, "neo4j_db_hits", "prof"), samplesNamed(ss, "neo4j_rows", "prof")
	if len(hits) != 3 || len(rows) != 3 {
		t.Fatalf("%d neo4j_db_hits and %d neo4j_rows samples, want 3 each", len(hits), len(rows))
	}
	durations := samplesNamed(ss, "neo4j_query_duration", "prof")
	for i := range hits {
		if hits[i].Value != float64(wantHits) || rows[i].Value != float64(wantRows) {
			t.Fatalf("call %d: %v db hits, %v rows; PROFILE by hand: %d, %d", i, hits[i].Value, rows[i].Value, wantHits, wantRows)
		}
		if !equalMaps(hits[i].Tags.Map(), durations[i].Tags.Map()) || !equalMaps(rows[i].Tags.Map(), durations[i].Tags.Map()) {
			t.Fatalf("tags %v, want neo4j_query_duration's %v", hits[i].Tags.Map(), durations[i].Tags.Map())
		}
	}
	if n := len(samplesNamed(ss, "neo4j_db_hits", "plain")); n != 0 {
		t.Fatalf("the unprofiled call gave %d neo4j_db_hits samples", n)
	}
	if n := len(samplesOf(ss, "neo4j_queries")); n != 4 {
		t.Fatalf("%d neo4j_queries samples, want 4: a profiled call runs once", n)
	}
	root.WaitPlans(planWait)
	info := root.Report().Queries["prof"]
	if info == nil || info.Profiled != 3 || info.Slowest == nil || info.Slowest.DbHits != wantHits || info.Slowest.Rows != wantRows {
		t.Fatalf("report of prof: %+v", info)
	}
	slowest := 0.0
	for _, s := range durations {
		slowest = max(slowest, s.Value)
	}
	if info.Slowest.DurationMs != slowest {
		t.Fatalf("slowest profiled call %v ms, the samples' slowest %v ms", info.Slowest.DurationMs, slowest)
	}
	if p := info.Slowest.Plan; p == nil || p.DbHits == nil || p.Rows == nil || findOp(p, "NodeByLabelScan") == nil || *findOp(p, "NodeByLabelScan").DbHits == 0 {
		t.Fatalf("slowest plan without per-operator db hits: %+v", p)
	}
	if info.Plan == nil || info.Plan.DbHits != nil {
		t.Fatalf("the EXPLAIN plan beside the profile: %+v", info.Plan)
	}
}

func TestConnectProfileAppliesToItsCallsAndACallsOwnWins(t *testing.T) {
	vu, _, _ := newVU(t, `{user: 'neo4j', password: __ENV.TEST_PW, profile: 1}`)
	if _, err := vu.Run(`
		var other = neo4j.connect(__ENV.TEST_URI, {user: 'neo4j', password: __ENV.TEST_PW}); // same client, no profile
		db.read('RETURN 1 AS x', {}, {tags: {name: 'byConnect'}});
		db.read('RETURN 1 AS x', {}, {tags: {name: 'callOff'}, profile: 0});
		other.read('RETURN 1 AS x', {}, {tags: {name: 'otherHandle'}});
		other.read('RETURN 1 AS x', {}, {tags: {name: 'otherCallOn'}, profile: 1});
		db.writeTx(function (tx) {
			tx.run('RETURN 2 AS y', {}, {tags: {name: 'txInherits'}});
			tx.run('RETURN 2 AS y', {}, {tags: {name: 'txRunOff'}, profile: 0});
		});
		other.readTx(function (tx) { tx.run('RETURN 3 AS z', {}, {tags: {name: 'txOn'}}); }, {profile: 1});`); err != nil {
		t.Fatal(err)
	}
	ss := vu.Samples()
	for name, want := range map[string]int{"byConnect": 1, "callOff": 0, "otherHandle": 0, "otherCallOn": 1,
		"txInherits": 1, "txRunOff": 0, "txOn": 1} {
		if got := len(samplesNamed(ss, "neo4j_db_hits", name)); got != want {
			t.Errorf("%s: %d neo4j_db_hits samples, want %d", name, got, want)
		}
	}
}

func TestProfiledWritesRunOnce(t *testing.T) {
	vu, root, srv := newVU(t, "")
	label := fmt.Sprintf("ProfWrite%d", time.Now().UnixNano())
	d := handDriver(t, srv)
	t.Cleanup(func() {
		_, _ = gneo4j.ExecuteQuery(context.Background(), d, "MATCH (x:"+label+") DELETE x", nil, gneo4j.EagerResultTransformer)
	})
	_ = vu.RT.Set("W", "CREATE (:"+label+" {k: $k})")
	v, err := vu.Run(`
		var created = 0;
		for (var i = 0; i < 4; i++) created += db.write(W, {k: i}, {tags: {name: 'w'}, profile: 1}).summary.counters.nodesCreated;
		created += db.run(W, {k: 10}, {tags: {name: 'w'}, profile: 1}).summary.counters.nodesCreated;
		db.writeTx(function (tx) { created += tx.run(W, {k: 20}, {tags: {name: 'w'}, profile: 1}).summary.counters.nodesCreated; });
		created`)
	if err != nil {
		t.Fatal(err)
	}
	if v.ToInteger() != 6 {
		t.Fatalf("the calls report %d nodes created, want 6", v.ToInteger())
	}
	res, err := gneo4j.ExecuteQuery(context.Background(), d, "MATCH (x:"+label+") RETURN count(x) AS c", nil, gneo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := res.Records[0].Get("c"); c != int64(6) {
		t.Fatalf("%v nodes in the database after 6 profiled creates, want 6 (PROFILE must replace the call, not repeat it)", c)
	}
	ss := vu.Samples()
	if n := len(samplesNamed(ss, "neo4j_db_hits", "w")); n != 6 {
		t.Fatalf("%d neo4j_db_hits samples, want 6", n)
	}
	root.WaitPlans(planWait)
	if w := root.Report().Queries["w"]; w == nil || w.Profiled != 6 || w.Plan == nil || findOp(w.Plan, "Create") == nil {
		t.Fatalf("report of w: %+v", w)
	}
}

func TestAFailedExplainIsAPlanErrorAndNoErrorOfTheScript(t *testing.T) {
	vu, root, _ := newVU(t, "")
	v, err := vu.Run(`
		var caught = '';
		try { db.run("RETURN 'secret-in-query' +", {}, {tags: {name: 'broken'}}); } catch (e) { caught = e.code; }
		// The script's own EXPLAIN and PROFILE give their plans from their own summary.
		db.read('EXPLAIN RETURN 1 AS x', {}, {tags: {name: 'ownExplain'}});
		var own = db.read('CYPHER runtime=slotted PROFILE RETURN 1 AS x', {}, {tags: {name: 'ownProfile'}, profile: 1});
		caught + ' ' + own.records[0].x`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "Neo.ClientError.Statement.SyntaxError 1" {
		t.Fatalf("script saw %q", v)
	}
	root.WaitPlans(planWait)
	q := root.Report().Queries
	b := q["broken"]
	if b == nil || b.Plan != nil || !strings.HasPrefix(b.PlanError, "Neo.ClientError.Statement.SyntaxError: ") {
		t.Fatalf("broken: %+v", b)
	}
	if strings.Contains(b.PlanError, "secret") {
		t.Fatalf("the plan error quotes a literal: %q", b.PlanError)
	}
	if e := q["ownExplain"]; e == nil || e.Plan == nil || e.PlanError != "" || e.Profiled != 0 {
		t.Fatalf("ownExplain: %+v", e)
	}
	if p := q["ownProfile"]; p == nil || p.Plan == nil || p.Profiled != 1 || p.Slowest == nil {
		t.Fatalf("ownProfile: %+v", p)
	}
	ss := vu.Samples()
	if n := len(samplesOf(ss, "neo4j_queries")); n != 3 {
		t.Fatalf("%d neo4j_queries samples, want the script's 3", n)
	}
	failed := samplesNamed(ss, "neo4j_query_failed", "broken")
	if len(failed) != 1 || failed[0].Value != 1 {
		t.Fatalf("broken counted %v, want one failure", failed)
	}
	if n := len(samplesOf(ss, "neo4j_db_hits")); n != 1 {
		t.Fatalf("%d neo4j_db_hits samples, want 1 (the script's PROFILE, not run twice)", n)
	}
}

func TestCloseGivesUpPendingExplainsBeforeTheDriversClose(t *testing.T) {
	vu, root, _ := newVU(t, "")
	// Many names at once: the EXPLAINs queue behind two workers while Close comes.
	if _, err := vu.Run(`for (var i = 0; i < 40; i++) db.read('RETURN $x AS x' + i, {x: i});`); err != nil {
		t.Fatal(err)
	}
	vu.Discard()
	start := time.Now()
	if err := root.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Fatalf("Close took %s", d)
	}
	if created, closed, open := root.Pool().Stats(); open != 0 || created != closed {
		t.Fatalf("after Close: %d drivers made, %d closed, %d open", created, closed, open)
	}
	q := root.Report().Queries
	if len(q) != 40 {
		t.Fatalf("%d queries in the report, want 40", len(q))
	}
	for name, info := range q {
		if info.Plan == nil && info.PlanError == "" {
			t.Fatalf("%s: neither a plan nor an error after Close", name)
		}
	}
}
