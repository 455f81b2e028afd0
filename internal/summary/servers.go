package summary

import (
	"encoding/json"
	"strings"
)

// Server is a Neo4j server the run tested, as the neo4j module reports it (the fields of
// data.neo4j.servers that the summary and `compare` show).
type Server struct {
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

// ServersOf reads the servers out of what the module reports (its RunReport, or
// data.neo4j as handleSummary's data parsed back from JSON has it): anything with a
// "servers" list of the module's server objects. Anything else has none.
func ServersOf(v any) []Server {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var d struct {
		Servers []Server `json:"servers"`
	}
	if json.Unmarshal(b, &d) != nil {
		return nil
	}
	return d.Servers
}

// Describe is the server on one line: "Neo4j 2026.08.1 community at 127.0.0.1:7687,
// database neo4j (default), as neo4j@127.0.0.1:7687", with what could not be read said at
// the end.
func (s Server) Describe() string {
	var b strings.Builder
	switch {
	case s.Version != "":
		b.WriteString("Neo4j " + s.Version)
	case s.Agent != "":
		b.WriteString(s.Agent)
	default:
		b.WriteString("Neo4j (version unknown)")
	}
	if s.Edition != "" {
		b.WriteString(" " + s.Edition)
	}
	if s.Address != "" {
		b.WriteString(" at " + s.Address)
	}
	if s.Database != "" {
		b.WriteString(", database " + s.Database)
		if s.DefaultDatabase {
			b.WriteString(" (default)")
		}
	}
	if s.Identity != "" {
		b.WriteString(", as " + s.Identity)
	}
	if s.Error != "" {
		b.WriteString(" (could not read: " + s.Error + ")")
	}
	return b.String()
}
