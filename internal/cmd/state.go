// Package cmd is the xk6-neo4j command line: `run` executes a script locally. Everything the
// process touches (arguments, environment, standard streams, signals) comes in through
// GlobalState, so tests run the real command in-process.
package cmd

import (
	"io"
	"os"

	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// Exit codes, as k6 uses them.
const (
	ExitOK              = 0
	ExitUsage           = 255 // a bad command line: k6 exits 255 (-1) for it
	ExitThresholds      = 99
	ExitSetupTimeout    = 100
	ExitTeardownTimeout = 101
	ExitInvalidConfig   = 104
	ExitExternalAbort   = 105
	ExitScriptException = 107
	ExitScriptAborted   = 108
	ExitMarkedAsFailed  = 110 // exec.test.fail() was called
	ExitRuntimeError    = 255
)

// GlobalState is the process as the command sees it.
type GlobalState struct {
	Args   []string
	Env    map[string]string
	Stdout io.Writer
	Stderr io.Writer
	// StdoutTTY says whether stdout is a terminal (live progress, colours).
	StdoutTTY bool
	// StderrTTY says whether stderr is a terminal: logs there use k6's bracketed text,
	// elsewhere logfmt with no colours.
	StderrTTY bool
	// Signals delivers Ctrl-C / SIGTERM; nil means none will come.
	Signals <-chan os.Signal
	// Modules makes the import table for a run; nil means the standard one. Tests inject
	// modules whose driver factory counts.
	Modules func() map[string]modules.Module
}

// EnvMap turns os.Environ-style pairs into a map.
func EnvMap(pairs []string) map[string]string {
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		for i := 0; i < len(p); i++ {
			if p[i] == '=' {
				m[p[:i]] = p[i+1:]
				break
			}
		}
	}
	return m
}
