// Package testenv tells tests where the real Neo4j started by testenv/neo4j/start listens.
// Outside CI a test that needs it is skipped when NEO4J_PASSWORD is unset; in CI (CI set)
// it fails, so a missing server can never pass as green.
package testenv

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// Neo4j is a running server as the tests see it.
type Neo4j struct {
	URI      string // bolt://127.0.0.1:PORT
	HostPort string // 127.0.0.1:PORT
	Password string // of the users neo4j, loadtest2, loadtest3
}

// RequireNeo4j returns the server from NEO4J_URI (default bolt://127.0.0.1:7687) and
// NEO4J_PASSWORD, checking that something listens there.
func RequireNeo4j(tb testing.TB) Neo4j {
	tb.Helper()
	pw := os.Getenv("NEO4J_PASSWORD")
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://127.0.0.1:7687"
	}
	missing := func(why string) {
		if os.Getenv("CI") != "" {
			tb.Fatalf("Neo4j is required in CI: %s (.ci/run starts it with testenv/neo4j/start)", why)
		}
		tb.Skipf("no Neo4j: %s; start one with testenv/neo4j/start and export NEO4J_PASSWORD", why)
	}
	if pw == "" {
		missing("NEO4J_PASSWORD is not set")
	}
	hp, ok := strings.CutPrefix(uri, "bolt://")
	if !ok {
		tb.Fatalf("NEO4J_URI %q: the tests expect bolt://HOST:PORT", uri)
	}
	c, err := net.DialTimeout("tcp", hp, 3*time.Second)
	if err != nil {
		missing("nothing listens on " + hp + ": " + err.Error())
	} else {
		_ = c.Close()
	}
	return Neo4j{URI: uri, HostPort: hp, Password: pw}
}
