// Command xk6-neo4j runs k6-style load-test scripts against Neo4j.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/xk6-neo4j/xk6-neo4j/internal/cmd"
)

func main() {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	st, _ := os.Stdout.Stat()
	se, _ := os.Stderr.Stat()
	os.Exit(cmd.Main(&cmd.GlobalState{
		Args: os.Args, Env: cmd.EnvMap(os.Environ()),
		Stdout: os.Stdout, Stderr: os.Stderr,
		StdoutTTY: st != nil && st.Mode()&os.ModeCharDevice != 0,
		StderrTTY: se != nil && se.Mode()&os.ModeCharDevice != 0,
		Signals:   sig,
	}))
}
