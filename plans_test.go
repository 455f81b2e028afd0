package neo4j

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// testPlan is a plan as the driver hands it over (the fields Neo4j sends), for the
// conversion tests; the integration tests take real ones from the server.
type testPlan struct {
	op       string
	args     map[string]any
	ids      []string
	hits     int64
	rows     int64
	children []*testPlan
}

func (p *testPlan) Operator() string           { return p.op }
func (p *testPlan) Arguments() map[string]any  { return p.args }
func (p *testPlan) Identifiers() []string      { return p.ids }
func (p *testPlan) DbHits() int64              { return p.hits }
func (p *testPlan) Records() int64             { return p.rows }
func (p *testPlan) PageCacheMisses() int64     { return 0 }
func (p *testPlan) PageCacheHits() int64       { return 0 }
func (p *testPlan) PageCacheHitRatio() float64 { return 0 }
func (p *testPlan) Time() int64                { return 0 }
func (p *testPlan) Children() []neo4j.Plan {
	out := make([]neo4j.Plan, len(p.children))
	for i, c := range p.children {
		out[i] = c
	}
	return out
}

// profiledPlan exposes p as a ProfiledPlan (Children differs in type).
type profiledPlan struct{ *testPlan }

func (p profiledPlan) Children() []neo4j.ProfiledPlan {
	out := make([]neo4j.ProfiledPlan, len(p.children))
	for i, c := range p.children {
		out[i] = profiledPlan{c}
	}
	return out
}

// samplePlan is what 2026.08 answers for
// MATCH (n:Person {name: 'secret'}) WHERE n.id = $id RETURN n.name, 'lit' LIMIT 10,
// with the literals the server did not parameterise written back in.
func samplePlan() *testPlan {
	return &testPlan{op: "ProduceResults@neo4j", ids: []string{"n", "`n.name`", "`'lit-secret'`"}, hits: 0, rows: 2,
		args: map[string]any{"Details": "`n.name`, `'lit-secret'`", "EstimatedRows": 0.025, "planner": "COST"},
		children: []*testPlan{{op: "Projection@neo4j", ids: []string{"n"}, hits: 4, rows: 2,
			args: map[string]any{"Details": "cache[n.name] AS `n.name`, 'lit-secret' AS `'lit-secret'`", "EstimatedRows": 0.025},
			children: []*testPlan{{op: "Filter@neo4j", ids: []string{"n"}, hits: 20, rows: 2,
				args: map[string]any{"Details": "n.name = \"other-secret\" AND n.id = $id AND n.age > 42", "EstimatedRows": 0.5},
				children: []*testPlan{{op: "NodeByLabelScan@neo4j", ids: []string{"n"}, hits: 11, rows: 10,
					args: map[string]any{"Details": "n:Person", "EstimatedRows": int64(10)}}},
			}},
		}},
	}
}

func TestPlanConversionScrubsLiteralsAndKeepsTheTree(t *testing.T) {
	for _, profiled := range []bool{false, true} {
		t.Run(fmt.Sprintf("profiled=%v", profiled), func(t *testing.T) {
			var n *PlanNode
			if profiled {
				n = planFromProfile(profiledPlan{samplePlan()}, true)
			} else {
				n = planFromExplain(samplePlan())
			}
			js, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			for _, leak := range []string{"secret", "42"} {
				if strings.Contains(string(js), leak) {
					t.Fatalf("a literal (%s) reached the plan: %s", leak, js)
				}
			}
			var ops []string
			for p := n; p != nil; {
				ops = append(ops, p.Operator)
				if len(p.Children) == 0 {
					break
				}
				p = p.Children[0]
			}
			if got := strings.Join(ops, " > "); got != "ProduceResults > Projection > Filter > NodeByLabelScan" {
				t.Fatalf("operators: %s", got)
			}
			if want := []string{"n", "`n.name`", "`?`"}; fmt.Sprint(n.Identifiers) != fmt.Sprint(want) {
				t.Fatalf("identifiers %q, want %q", n.Identifiers, want)
			}
			proj, filter, scan := n.Children[0], n.Children[0].Children[0], n.Children[0].Children[0].Children[0]
			if proj.Details != "cache[n.name] AS `n.name`, ? AS `?`" || n.Details != "`n.name`, `?`" {
				t.Fatalf("details %q / %q", n.Details, proj.Details)
			}
			if filter.Details != "n.name = ? AND n.id = $id AND n.age > ?" || scan.Details != "n:Person" {
				t.Fatalf("details %q / %q", filter.Details, scan.Details)
			}
			if n.EstimatedRows != 0.025 || scan.EstimatedRows != 10 {
				t.Fatalf("estimated rows %v / %v", n.EstimatedRows, scan.EstimatedRows)
			}
			if scan.Children == nil || len(scan.Children) != 0 {
				t.Fatalf("a leaf's children must be an empty list (JSON []), got %#v", scan.Children)
			}
			if !profiled {
				if n.DbHits != nil || n.Rows != nil || strings.Contains(string(js), "dbHits") {
					t.Fatalf("an EXPLAIN plan has no db hits: %s", js)
				}
				return
			}
			if *filter.DbHits != 20 || *filter.Rows != 2 || *n.DbHits != 0 {
				t.Fatalf("db hits %d rows %d root %d", *filter.DbHits, *filter.Rows, *n.DbHits)
			}
		})
	}
	tot := totals(profiledPlan{samplePlan()})
	if !tot.ok || tot.dbHits != 35 || tot.rows != 16 {
		t.Fatalf("totals: %+v, want 35 db hits and 16 rows over every operator", tot)
	}
}

func TestScrubPlanText(t *testing.T) {
	for in, want := range map[string]string{
		"n:Person":                            "n:Person",
		"":                                    "",
		"n.id = $id":                          "n.id = $id",
		"anon_0.x = x":                        "anon_0.x = x",
		"`n.name`, `'x'`":                     "`n.name`, `?`",
		"`a` `b`":                             "`a` `b`",
		"IN TRANSACTIONS OF 1000 ROWS":        "IN TRANSACTIONS OF ? ROWS",
		"n.s STARTS WITH 'abc' // note":       "n.s STARTS WITH ?",
		"`weird``name 'q'`":                   "`weird?`",
		"RANGE INDEX $autostring_0 FOR (:P)":  "RANGE INDEX $autostring_0 FOR (:P)",
		"x = 'it''s' AND `open":               "x = ?? AND `?`",
		"count( () ) AS `count(n)`":           "count( () ) AS `count(n)`",
		"`$missing`":                          "`$missing`",
		"cache[n.name] AS `n.name`, 'a' AS b": "cache[n.name] AS `n.name`, ? AS b",
	} {
		if got := scrubPlanText(in); got != want {
			t.Errorf("scrubPlanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLeadingMode(t *testing.T) {
	for q, want := range map[string]string{
		"MATCH (n) RETURN n":                                        "",
		"EXPLAIN MATCH (n) RETURN n":                                "EXPLAIN",
		"  profile MATCH (n) RETURN n":                              "PROFILE",
		"// why\n/* c */ Explain RETURN 1":                          "EXPLAIN",
		"CYPHER runtime=slotted EXPLAIN MATCH (n) RETURN n":         "EXPLAIN",
		"CYPHER 5 runtime = slotted PROFILE RETURN 1":               "PROFILE",
		"CYPHER 25 runtime= pipelined planner =dp PROFILE RETURN 1": "PROFILE",
		"cypher 25 MATCH (n) RETURN n":                              "",
		"CYPHER runtime=slotted MATCH (n) RETURN 'EXPLAIN'":         "",
		"RETURN 'PROFILE'":                                          "",
		"EXPLAINED":                                                 "",
		"":                                                          "",
		"CYPHER":                                                    "",
	} {
		if got := leadingMode(q); got != want {
			t.Errorf("leadingMode(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestProfileTextPrefixesOnceAndLeavesExplainAlone(t *testing.T) {
	c := &Client{}
	for q, want := range map[string]string{
		"MATCH (n) RETURN n":                        "PROFILE MATCH (n) RETURN n",
		"CYPHER runtime=slotted MATCH (n) RETURN n": "PROFILE CYPHER runtime=slotted MATCH (n) RETURN n",
		"PROFILE MATCH (n) RETURN n":                "PROFILE MATCH (n) RETURN n",
		"EXPLAIN MATCH (n) RETURN n":                "EXPLAIN MATCH (n) RETURN n",
	} {
		for range 2 { // the second time from the client's cache
			if got := c.profileText(q); got != want {
				t.Errorf("profileText(%q) = %q, want %q", q, got, want)
			}
		}
	}
}

func TestProfileShareSelection(t *testing.T) {
	const n = 20000
	count := func(share float64) int {
		picked := 0
		for range n {
			if pickProfile(share) {
				picked++
			}
		}
		return picked
	}
	for share, want := range map[float64]int{0: 0, -1: 0, 1: n} {
		if got := count(share); got != want {
			t.Fatalf("profile %v: %d of %d calls profiled, want %d", share, got, n, want)
		}
	}
	// 0.25 of 20000: mean 5000, standard deviation ~61; ±400 is more than 6 of them.
	if got := count(0.25); got < 4600 || got > 5400 {
		t.Fatalf("profile 0.25: %d of %d calls profiled, want about 5000", got, n)
	}
	if got := count(0.01); got < 100 || got > 320 {
		t.Fatalf("profile 0.01: %d of %d calls profiled, want about 200", got, n)
	}
}

func TestProfileOptionErrors(t *testing.T) {
	rt := sobek.New()
	for _, bad := range []string{"2", "-0.1", "'half'", "NaN", "true", "null"} {
		v, err := rt.RunString(`({profile: ` + bad + `})`)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseCallOptions(rt, v, "read")
		if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), `"profile" in read()`) || !strings.Contains(err.Error(), "0 to 1") {
			t.Errorf("read({profile: %s}): %v, want an invalid option naming profile and its range", bad, err)
		}
		_, err = parseConnectOptions(rt, v)
		if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), `"profile" in connect()`) {
			t.Errorf("connect({profile: %s}): %v, want an invalid option naming profile", bad, err)
		}
	}
	for js, want := range map[string]float64{"0": 0, "0.01": 0.01, "1": 1} {
		v, _ := rt.RunString(`({profile: ` + js + `})`)
		o, err := parseCallOptions(rt, v, "tx.run")
		if err != nil || o.profile != want {
			t.Errorf("tx.run({profile: %s}): %v %v", js, o.profile, err)
		}
		co, err := parseConnectOptions(rt, v)
		if err != nil || co.Profile != want {
			t.Errorf("connect({profile: %s}): %v %v", js, co.Profile, err)
		}
	}
	if o, _ := parseCallOptions(rt, sobek.Undefined(), "read"); o.profile != -1 {
		t.Fatalf("no options: profile %v, want -1 (connect()'s applies)", o.profile)
	}
}

func TestPlanStoreFoldsBeyondItsCapWithOneWarning(t *testing.T) {
	s := newPlanStore()
	var log bytes.Buffer
	s.init(slog.New(slog.NewTextHandler(&log, nil)), nil)
	for i := range maxPlans {
		if s.lookup(planKey{name: fmt.Sprint("q", i), identity: "neo4j@h:1", db: "neo4j"}) == nil {
			t.Fatalf("name %d of %d was not kept", i, maxPlans)
		}
	}
	for i := range 50 {
		if s.lookup(planKey{name: fmt.Sprint("more", i), identity: "neo4j@h:1", db: "neo4j"}) != nil {
			t.Fatal("a name beyond the cap was kept")
		}
	}
	if e := s.lookup(planKey{name: "q7", identity: "neo4j@h:1", db: "neo4j"}); e == nil || e.key.name != "q7" {
		t.Fatal("a kept name is not found again")
	}
	if n := strings.Count(log.String(), "level=WARN"); n != 1 || !strings.Contains(log.String(), "more than 1000 query names") {
		t.Fatalf("want one warning, got:\n%s", log.String())
	}
}

func TestQueryInfosKeyByNameAndTellSameNamesApart(t *testing.T) {
	r := &RootModule{plans: newPlanStore()}
	a := r.plans.lookup(planKey{name: "byId", identity: "neo4j@h:1", db: "neo4j"})
	b := r.plans.lookup(planKey{name: "byId", identity: "neo4j@h:1", db: "other"})
	r.plans.setPlan(a, &PlanNode{Operator: "ProduceResults", Identifiers: []string{}, Children: []*PlanNode{}})
	r.plans.profiled(b, 3*time.Millisecond, profileTotals{ok: true, dbHits: 7, rows: 2}, profiledPlan{samplePlan()})
	r.plans.profiled(b, 1*time.Millisecond, profileTotals{ok: true, dbHits: 1, rows: 1}, profiledPlan{samplePlan()})
	q := r.queryInfos()
	if len(q) != 2 || q["byId"] == nil || q["byId (neo4j@h:1 other)"] == nil {
		t.Fatalf("keys: %v", q)
	}
	if q["byId"].Plan == nil || q["byId"].Database != "neo4j" || a.state.Load() != planDone {
		t.Fatalf("first: %+v", q["byId"])
	}
	second := q["byId (neo4j@h:1 other)"]
	if second.Name != "byId" || second.Profiled != 2 || second.Slowest == nil || second.Slowest.DbHits != 7 || second.Slowest.DurationMs != 3 {
		t.Fatalf("second: %+v %+v", second, second.Slowest)
	}
	// Report must not wait for EXPLAINs; WaitPlans with none pending returns at once.
	start := time.Now()
	r.WaitPlans(5 * time.Second)
	r.plans.close(5 * time.Second)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("WaitPlans and close with nothing pending took %s", d)
	}
}
