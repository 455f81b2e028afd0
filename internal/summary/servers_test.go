package summary

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The servers come first, one line each, what could not be read said; a report without
// servers prints as before (the golden files check that).
func TestServerLinesAtTheTop(t *testing.T) {
	r := Report{Servers: []Server{
		{Identity: "neo4j@10.0.0.1:7687", Address: "10.0.0.1:7687", Agent: "Neo4j/2026.08.1", Version: "2026.08.1", Edition: "community", Database: "neo4j", DefaultDatabase: true},
		{Identity: "bearer@10.0.0.2:7687", Address: "10.0.0.2:7687", Agent: "Neo4j/5.26.30", Database: "sales",
			Error: "CALL dbms.components(): no right\x1b[31m"},
	}}
	var buf bytes.Buffer
	if err := WriteText(&buf, r, false); err != nil {
		t.Fatal(err)
	}
	want := "\n     server: Neo4j 2026.08.1 community at 10.0.0.1:7687, database neo4j (default), as neo4j@10.0.0.1:7687\n" +
		"     server: Neo4j/5.26.30 at 10.0.0.2:7687, database sales, as bearer@10.0.0.2:7687 (could not read: CALL dbms.components(): no right\\x1b[31m)\n\n  █ TOTAL RESULTS"
	if !strings.HasPrefix(buf.String(), want) {
		t.Fatalf("got\n%s\nwant it to start with\n%s", buf.String(), want)
	}
}

// textSummary(data) in a script shows the same lines: the servers come back from
// data.neo4j as handleSummary's data has it in JSON.
func TestServersComeBackFromData(t *testing.T) {
	var d Data
	if err := json.Unmarshal([]byte(`{"metrics":{},"neo4j":{"servers":[{"identity":"u@h:1","version":"5.26.30","edition":"community","address":"h:1","database":"neo4j","defaultDatabase":true}],"queries":{},"tags":{}}}`), &d); err != nil {
		t.Fatal(err)
	}
	r := ReportFromData(d)
	if len(r.Servers) != 1 || r.Servers[0].Describe() != "Neo4j 5.26.30 community at h:1, database neo4j (default), as u@h:1" {
		t.Fatalf("got %+v", r.Servers)
	}
	if ServersOf(nil) != nil || ServersOf("text") != nil {
		t.Fatal("no data.neo4j, no servers")
	}
}
