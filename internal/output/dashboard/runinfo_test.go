package dashboard

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// The run info's shape, as the module's RunReport (report.go at the repository's root)
// encodes it. A copy, not an import: the dashboard does not depend on the module, and the
// page reads the JSON field names below.
type runReport struct {
	Servers []serverInfo          `json:"servers"`
	Queries map[string]*queryInfo `json:"queries"`
}

type serverInfo struct {
	Identity        string `json:"identity"`
	Address         string `json:"address"`
	Agent           string `json:"agent"`
	Version         string `json:"version"`
	Edition         string `json:"edition"`
	Protocol        string `json:"protocol"`
	Database        string `json:"database"`
	DefaultDatabase bool   `json:"defaultDatabase"`
	Error           string `json:"error,omitempty"`
}

type queryInfo struct {
	Name      string        `json:"name"`
	Identity  string        `json:"identity"`
	Database  string        `json:"database"`
	Plan      *planNode     `json:"plan,omitempty"`
	PlanError string        `json:"planError,omitempty"`
	Profiled  uint64        `json:"profiled"`
	Slowest   *profiledCall `json:"slowestProfile,omitempty"`
}

type profiledCall struct {
	DurationMs float64   `json:"durationMs"`
	DbHits     int64     `json:"dbHits"`
	Rows       int64     `json:"rows"`
	Plan       *planNode `json:"plan"`
}

type planNode struct {
	Operator      string      `json:"operator"`
	Details       string      `json:"details,omitempty"`
	EstimatedRows float64     `json:"estimatedRows"`
	Identifiers   []string    `json:"identifiers"`
	DbHits        *int64      `json:"dbHits,omitempty"`
	Rows          *int64      `json:"rows,omitempty"`
	Children      []*planNode `json:"children"`
}

func i64(v int64) *int64 { return &v }

// fixtureReport is a RunReport as the module makes it: one server, a query with a plan and
// a profile, one whose plan could not be captured.
func fixtureReport() *runReport {
	return &runReport{
		Servers: []serverInfo{{Identity: "neo4j@127.0.0.1:7687", Address: "127.0.0.1:7687", Agent: "Neo4j/2026.08.1",
			Version: "2026.08.1", Edition: "community", Protocol: "5.8", Database: "neo4j", DefaultDatabase: true}},
		Queries: map[string]*queryInfo{
			"person-by-id": {Name: "person-by-id", Identity: "neo4j@127.0.0.1:7687", Database: "neo4j",
				Plan: &planNode{Operator: "ProduceResults", Details: "p", EstimatedRows: 1, Identifiers: []string{"p"},
					Children: []*planNode{{Operator: "Filter", Details: "p.id = $id", EstimatedRows: 1, Identifiers: []string{"p"},
						Children: []*planNode{{Operator: "NodeByLabelScan", Details: "p:Person", EstimatedRows: 10000,
							Identifiers: []string{"p"}, Children: []*planNode{}}}}}},
				Profiled: 37,
				Slowest: &profiledCall{DurationMs: 41.5, DbHits: 20003, Rows: 10002,
					Plan: &planNode{Operator: "ProduceResults", Details: "p", EstimatedRows: 1, Identifiers: []string{"p"},
						DbHits: i64(2), Rows: i64(1),
						Children: []*planNode{{Operator: "Filter", Details: "p.id = $id", EstimatedRows: 1, Identifiers: []string{"p"},
							DbHits: i64(10000), Rows: i64(1),
							Children: []*planNode{{Operator: "NodeByLabelScan", Details: "p:Person", EstimatedRows: 10000,
								Identifiers: []string{"p"}, DbHits: i64(10001), Rows: i64(10000), Children: []*planNode{}}}}}}},
			},
			"fulltext-search": {Name: "fulltext-search", Identity: "neo4j@127.0.0.1:7687", Database: "neo4j",
				PlanError: "EXPLAIN failed: Neo.ClientError.Procedure.ProcedureNotFound"},
		},
	}
}

// A plan's text comes from the script's query: one that closes the script element or holds
// control characters must reach the page as inert text, in the report and in the live
// snapshot.
func TestRunInfoIsEmbeddedInert(t *testing.T) {
	evil := "n.name = '</script><script>alert(1)</script><!--'\x00\x1b[2J\u0085"
	rep := fixtureReport()
	rep.Queries["person-by-id"].Plan.Children[0].Details = evil
	rep.Queries["q\x07</script>"] = &queryInfo{Name: "q\x07</script>", PlanError: "bad\nline"}
	c := NewConfig()
	c.RunInfo = func() any { return rep }
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := o.WriteReport(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for i, r := range page {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("raw control character %U at byte %d of the report", r, i)
		}
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "</script><script>alert") {
		t.Fatal("the plan's text is in the report as markup")
	}
	wantDetail := `n.name = '</script><script>alert(1)</script><!--'\x00\x1b[2J\u0085`
	check := func(where string, s Snapshot) {
		t.Helper()
		var got runReport
		if err := json.Unmarshal(s.Neo4j, &got); err != nil {
			t.Fatalf("%s: neo4j field %.100q: %v", where, s.Neo4j, err)
		}
		if d := got.Queries["person-by-id"].Plan.Children[0].Details; d != wantDetail {
			t.Errorf("%s: detail %q, want %q", where, d, wantDetail)
		}
		if q := got.Queries[`q\x07</script>`]; q == nil || q.PlanError != `bad\nline` {
			t.Errorf("%s: the query named with a control character: %+v", where, q)
		}
		if got.Servers[0].Agent != "Neo4j/2026.08.1" || !got.Servers[0].DefaultDatabase || got.Queries["person-by-id"].Slowest.DbHits != 20003 {
			t.Errorf("%s: facts changed on the way: %+v", where, got)
		}
	}
	check("report", reportData(t, page))

	srv := httptest.NewServer(o.Handler())
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/api/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if bytes.Contains(body, []byte("</script>")) {
		t.Error("the live snapshot holds </script> unescaped")
	}
	var live Snapshot
	if err := json.Unmarshal(body, &live); err != nil {
		t.Fatal(err)
	}
	check("live snapshot", live)
}

// Without RunInfo, or when it has nothing, the snapshot has no neo4j field; a value that
// cannot be encoded is left out with one warning, and the page still works.
func TestRunInfoAbsentOrUnencodable(t *testing.T) {
	var logs bytes.Buffer
	c := NewConfig()
	c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	var v any
	c.RunInfo = func() any { return v }
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, nothing := range []any{nil, (*runReport)(nil)} {
		v = nothing
		if s := o.Snapshot(); s.Neo4j != nil {
			t.Errorf("RunInfo %#v: neo4j = %s, want none", nothing, s.Neo4j)
		}
	}
	v = map[string]any{"ch": make(chan int)}
	for range 3 {
		if s := o.Snapshot(); s.Neo4j != nil {
			t.Errorf("an unencodable RunInfo gave neo4j = %s", s.Neo4j)
		}
	}
	if n := strings.Count(logs.String(), "left out"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
	v = fixtureReport()
	if s := o.Snapshot(); !bytes.Contains(s.Neo4j, []byte(`"NodeByLabelScan"`)) {
		t.Errorf("the report once encodable: neo4j = %.200s", s.Neo4j)
	}
}
