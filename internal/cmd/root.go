package cmd

import (
	"fmt"
	"strings"
)

// Version is the program's version, set at build time.
var Version = "0.1.0-dev"

const usage = `xk6-neo4j: load tests for Neo4j, scripted like k6.

Usage:
  xk6-neo4j run [flags] script.js    run a script (or an archive.tar) on this machine
  xk6-neo4j archive [flags] script.js
                                     write the test as one self-contained archive.tar
  xk6-neo4j inspect [--execution-requirements] script.js|archive.tar
                                     print its options (and the VUs and time it
                                     needs) as k6's JSON
  xk6-neo4j worker [flags] --master HOST:PORT script.js
                                     join a Locust master as one of its workers
  xk6-neo4j scale --vus N            change the VUs of a running externally-controlled test
  xk6-neo4j resume                   start a test that waits under run --paused
  xk6-neo4j status                   ask a running test how it goes
  xk6-neo4j compare A B              two runs side by side (--out json files or
                                     handleSummary data): per query p(50), p(95),
                                     p(99), error rate, and the change B/A
  xk6-neo4j version                  print the version
  xk6-neo4j help [command]           show help

Run 'xk6-neo4j help run' for the run flags.
`

// Main runs the command line and returns the exit code.
func Main(gs *GlobalState) int {
	args := gs.Args[1:]
	if len(args) == 0 {
		// As k6 with no command: the help, and success.
		fmt.Fprint(gs.Stdout, usage)
		return ExitOK
	}
	switch args[0] {
	case "run":
		return runCommand(gs, args[1:])
	case "scale", "status", "resume":
		return apiCommand(gs, args[0], args[1:])
	case "worker":
		return workerCommand(gs, args[1:])
	case "compare":
		return compareCommand(gs, args[1:])
	case "archive":
		return archiveCommand(gs, args[1:])
	case "inspect":
		return inspectCommand(gs, args[1:])
	case "version", "--version", "-v":
		fmt.Fprintf(gs.Stdout, "xk6-neo4j %s\n", Version)
		return ExitOK
	case "help", "-h", "--help":
		if len(args) > 1 && args[1] == "run" {
			fs, _ := runFlags()
			fmt.Fprintf(gs.Stdout, "Usage: xk6-neo4j run [flags] script.js\n\nFlags:\n%s", fs.FlagUsages())
			return ExitOK
		}
		if len(args) > 1 && args[1] == "compare" {
			fmt.Fprint(gs.Stdout, compareUsage)
			return ExitOK
		}
		fmt.Fprint(gs.Stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(gs.Stderr, "unknown command %q\n\n%s", args[0], strings.TrimLeft(usage, "\n"))
	return ExitUsage // 255, as k6 for an unknown command or flag
}
