package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js"
	"github.com/xk6-neo4j/xk6-neo4j/internal/loader"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

const archiveHelp = `Usage: xk6-neo4j archive [flags] script.js

Writes the test as one self-contained tar: the script, its local imports, the files its init
code open()s (the init code runs once to find them, as in k6), the options as resolved from
the script, --config, K6_* variables and the flags given here, and the -e values.
'xk6-neo4j run archive.tar' then runs it anywhere, without the original files.

  -O, --archive-out FILE       where to write it (default archive.tar; - for stdout)
      --exclude-env-vars       record no environment at all (not even -e values)
      --include-system-env-vars  the process environment in __ENV during init, and recorded
                               (off by default for archive, as in k6)

Every -e KEY=VALUE is written into the archive in clear: pass secrets such as
NEO4J_PASSWORD through the environment of the machine that runs the archive instead.

The run flags that set options are accepted too (-u, -d, -i, -s, --tag, -c, ...):
`

// archiveArgs are the archive command's own flags, taken out of the arguments before the
// run flags parse the rest.
type archiveArgs struct {
	out        string
	excludeEnv bool
	systemEnv  bool // --include-system-env-vars given: archive's default is off, run's on
	help       bool
	rest       []string
}

// splitArchiveArgs takes -O/--archive-out and --exclude-env-vars out of args and notes
// whether --include-system-env-vars was given (the run flags parse it).
func splitArchiveArgs(args []string) (archiveArgs, error) {
	a := archiveArgs{out: "archive.tar"}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, value, hasValue := strings.Cut(arg, "=")
		switch {
		case arg == "--":
			a.rest = append(a.rest, args[i:]...)
			return a, nil
		case name == "-O" || name == "--archive-out":
			if !hasValue {
				if i+1 >= len(args) {
					return a, fmt.Errorf("%w:\n  - %s needs a file name", errBadFlags, name)
				}
				i++
				value = args[i]
			}
			a.out = value
			continue
		case strings.HasPrefix(arg, "-O") && !strings.HasPrefix(arg, "--"):
			a.out = arg[2:]
			continue
		case name == "--exclude-env-vars":
			v, err := boolFlag(name, value, hasValue)
			if err != nil {
				return a, err
			}
			a.excludeEnv = v
			continue
		case name == "--include-system-env-vars":
			v, err := boolFlag(name, value, hasValue)
			if err != nil {
				return a, err
			}
			a.systemEnv = v
		case arg == "-h" || arg == "--help":
			a.help = true
		}
		a.rest = append(a.rest, arg)
	}
	if a.out == "" {
		return a, fmt.Errorf("%w:\n  - --archive-out: an empty file name", errBadFlags)
	}
	return a, nil
}

// boolFlag reads a boolean flag given as --name or --name=VALUE.
func boolFlag(name, value string, hasValue bool) (bool, error) {
	if !hasValue {
		return true, nil
	}
	v, err := strconv.ParseBool(value)
	if err != nil {
		return false, fmt.Errorf("%w:\n  - %s=%q: want true or false", errBadFlags, name, value)
	}
	return v, nil
}

// archiveCommand is `xk6-neo4j archive`: as k6's, it loads the test, runs the init code once
// (recording the files it reads), resolves the options and writes the tar.
func archiveCommand(gs *GlobalState, args []string) int {
	a, err := splitArchiveArgs(args)
	if err == nil && a.help {
		fs, _ := runFlags()
		fmt.Fprintf(gs.Stdout, "%s%s", archiveHelp, fs.FlagUsages())
		return ExitOK
	}
	r, done, code := commandRun(gs, "archive", a.rest, err, a.systemEnv)
	if code != ExitOK {
		return code
	}
	defer done()
	return r.archive(a)
}

// commandRun parses the run flags of a command that loads a test without running it
// (archive, inspect) and makes its testRun: the loggers, the script's environment (the
// process's only with systemEnv) and the signal watch. parseErr is the command's own
// argument error, reported as run reports its flags'. done undoes it all.
func commandRun(gs *GlobalState, name string, rest []string, parseErr error, systemEnv bool) (r *testRun, done func(), code int) {
	var cfg *runConfig
	err := parseErr
	if err == nil {
		cfg, err = parseRunArgs(rest)
	}
	if err != nil {
		return nil, nil, commandLineError(gs, name, err)
	}
	logger, consoleLogger, closeLogs, err := cfg.loggers(gs)
	if err != nil {
		fmt.Fprintf(gs.Stderr, "error: %v\n", err)
		return nil, nil, ExitUsage
	}
	var proc map[string]string
	if systemEnv {
		proc = gs.Env
	}
	r = &testRun{gs: gs, cfg: cfg, logger: logger, consoleLogger: consoleLogger, env: scriptEnv(proc, cfg.env)}
	r.startSignals()
	return r, func() { r.stopSignal(); closeLogs() }, ExitOK
}

// commandLineError reports a command line that does not parse, as run does: 104 for a value
// the option checks refuse, 255 for the rest.
func commandLineError(gs *GlobalState, command string, err error) int {
	msg := strings.Replace(err.Error(), "run takes", command+" takes", 1)
	fmt.Fprintf(gs.Stderr, "error: %s\n\nRun 'xk6-neo4j %s --help' for the flags.\n", msg, command)
	if errors.Is(err, options.ErrInvalid) {
		return ExitInvalidConfig
	}
	return ExitUsage
}

// archive runs the init code once and writes what the test needs.
func (r *testRun) archive(a archiveArgs) int {
	defer r.cleanup()
	bundle, optsVU, code := r.initOnce()
	if code != ExitOK {
		return code
	}
	if bundle.Archive != nil {
		return r.fail(ExitScriptException, "%s is an archive already: archive the script it was made from", r.cfg.script)
	}
	// The options as merged from every layer: not resolved into scenarios (k6 archives
	// them so), but checked to resolve.
	merged, code := r.layeredOptions(optsVU)
	if code == ExitOK {
		code = r.resolve(merged)
	}
	if code != ExitOK {
		return code
	}
	rawOpts, err := json.Marshal(merged)
	if err != nil {
		return r.fail(ExitRuntimeError, "%v", err)
	}
	meta := loader.Metadata{Options: rawOpts, Env: r.env, CompatibilityMode: r.cfg.compatMode, Generator: "xk6-neo4j " + Version}
	if a.excludeEnv {
		meta.Env = nil
	}
	var files []string
	if a.out == "-" {
		files, err = bundle.WriteArchive(r.gs.Stdout, meta)
	} else {
		files, err = writeFileAtomically(a.out, func(f *os.File) ([]string, error) { return bundle.WriteArchive(f, meta) })
	}
	if err != nil {
		return r.fail(ExitRuntimeError, "writing the archive %s: %v", a.out, err)
	}
	envNote := fmt.Sprintf("%d environment variables", len(meta.Env))
	if len(meta.Env) > 0 {
		envNote += " (" + strings.Join(sortedKeys(meta.Env), ", ") + "; their values are in the archive in clear)"
	}
	r.logger.Info(fmt.Sprintf("archive %s: %d files (%s), %s", a.out, len(files), strings.Join(files, ", "), envNote))
	return ExitOK
}

// initOnce loads the test and, for a script, records the files its init code reads while
// it runs that code once (an archive's init code need not run: its options are recorded).
// optsVU is nil for an archive.
func (r *testRun) initOnce() (bundle *loader.Bundle, optsVU *js.VU, code int) {
	bundle, code = r.load()
	if code != ExitOK || bundle.Archive != nil {
		return bundle, nil, code
	}
	bundle.Record()
	r.runner.Recording = true
	r.runner.Abort = func(reason string) { r.scriptAbort.CompareAndSwap(nil, &reason) }
	optsVU, err := r.newVU(0)
	if err != nil {
		if reason := r.scriptAbort.Load(); reason != nil {
			return bundle, nil, r.fail(ExitScriptAborted, "the script aborted the test in its init code: %s", *reason)
		}
		if r.initInterrupted(err) {
			return bundle, nil, r.interruptedInInit()
		}
		return bundle, nil, r.fail(ExitScriptException, "%v", err)
	}
	return bundle, optsVU, ExitOK
}

// cleanup ends what load and the init code started, whatever got made: the VUs first, then
// the modules (drivers), then the engine.
func (r *testRun) cleanup() {
	r.discardVUs()
	r.closeModules()
	if r.engine != nil {
		r.engine.Close()
	}
}

// writeFileAtomically writes path through a temporary file in the same folder, renamed
// into place once complete: a failed write leaves no half archive behind.
func writeFileAtomically(path string, write func(*os.File) ([]string, error)) ([]string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name()) // nothing left once renamed
	files, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return files, err
}

// scriptOptions is the script's layer of the options: its `options` export, or, for an
// archive, the options recorded in it, which take the script's place as in k6.
func (r *testRun) scriptOptions(optsVU *js.VU) ([]byte, error) {
	if r.runner != nil && r.runner.Bundle.Archive != nil {
		return r.runner.Bundle.Archive.Meta.Options, nil
	}
	return optsVU.ExportedOptions()
}

// withArchiveEnv puts the environment recorded in an archive under the run's own: as in k6,
// the run's variables (-e, and the process's unless --include-system-env-vars=false) win.
func withArchiveEnv(b *loader.Bundle, env map[string]string) map[string]string {
	if b.Archive == nil || len(b.Archive.Meta.Env) == 0 {
		return env
	}
	out := maps.Clone(b.Archive.Meta.Env)
	maps.Copy(out, env)
	return out
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
