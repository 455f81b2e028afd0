package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// StartNeo4jNoAuth starts a Neo4j of the test's own with authentication off
// (NEO4J_AUTH=none: dbms.security.auth_enabled=false) on 127.0.0.1:port, and stops it when
// the test ends. It returns host:port. Like RequireNeo4j, it needs NEO4J_PASSWORD (the
// launcher still sets the users' passwords) and skips outside CI without it.
func StartNeo4jNoAuth(tb testing.TB, port string) (hostPort string) {
	tb.Helper()
	srv := RequireNeo4j(tb)
	launcher := filepath.Join(repoRoot(), "testenv", "neo4j")
	env := append(os.Environ(), "NEO4J_PORT="+port, "NEO4J_AUTH=none", "NEO4J_PASSWORD="+srv.Password)
	stop := func() {
		c := exec.Command(filepath.Join(launcher, "stop"))
		c.Env = env
		_ = c.Run()
	}
	stop() // a server left over from an earlier run may have another setup
	start := exec.Command(filepath.Join(launcher, "start"))
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		tb.Fatalf("starting the server without auth: %v\n%s", err, out)
	}
	tb.Cleanup(stop)
	return "127.0.0.1:" + port
}
