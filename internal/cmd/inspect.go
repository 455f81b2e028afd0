package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

const inspectHelp = `Usage: xk6-neo4j inspect [--execution-requirements] script.js|archive.tar

Prints the test's options as JSON, as k6 inspect does: the script's own options export (for
an archive, the options recorded in it). A script's init code runs once to read them; an
archive's does not.

      --execution-requirements  the options as the run would use them instead (--config,
                               the script's or archive's, K6_* variables and the flags here,
                               merged and resolved into scenarios), plus what a runner must
                               provide: "maxVUs", the most VUs alive at once, and
                               "totalDuration", the longest the scenarios can last, every
                               gracefulStop and gracefulRampDown included (as k6, setup()
                               and teardown() are not: bound them with setupTimeout and
                               teardownTimeout)
      --include-system-env-vars  the process environment in __ENV (off by default, as in k6)
  -e, --env KEY=VALUE          script environment (repeatable)
`

// inspectArgs are inspect's own flags, taken out before the run flags parse the rest.
type inspectArgs struct {
	execRequirements, systemEnv, help bool
	rest                              []string
}

func splitInspectArgs(args []string) (inspectArgs, error) {
	var a inspectArgs
	for i, arg := range args {
		name, value, hasValue := strings.Cut(arg, "=")
		switch {
		case arg == "--":
			a.rest = append(a.rest, args[i:]...)
			return a, nil
		case name == "--execution-requirements":
			v, err := boolFlag(name, value, hasValue)
			if err != nil {
				return a, err
			}
			a.execRequirements = v
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
	return a, nil
}

// executionRequirements is k6 inspect --execution-requirements' answer: the options as the
// run resolves them, and what the scenarios need of a runner.
type executionRequirements struct {
	options.Options
	TotalDuration options.Duration `json:"totalDuration"`
	MaxVUs        int64            `json:"maxVUs"`
}

// inspectCommand is `xk6-neo4j inspect`: what an orchestrator sizes its runners with.
func inspectCommand(gs *GlobalState, args []string) int {
	a, err := splitInspectArgs(args)
	if err == nil && a.help {
		fmt.Fprint(gs.Stdout, inspectHelp)
		return ExitOK
	}
	r, done, code := commandRun(gs, "inspect", a.rest, err, a.systemEnv)
	if code != ExitOK {
		return code
	}
	defer done()
	defer r.cleanup()
	return r.inspect(a.execRequirements)
}

func (r *testRun) inspect(execRequirements bool) int {
	_, optsVU, code := r.initOnce()
	if code != ExitOK {
		return code
	}
	var out any
	if !execRequirements {
		raw, err := r.scriptOptions(optsVU)
		if err != nil {
			return r.fail(ExitInvalidConfig, "%v", err)
		}
		o, err := options.FromJSON(raw)
		if err != nil {
			return r.fail(ExitInvalidConfig, "in the script's options: %v", err)
		}
		out = o
	} else {
		merged, code := r.layeredOptions(optsVU)
		if code == ExitOK {
			code = r.resolve(merged)
		}
		if code != ExitOK {
			return code
		}
		out = executionRequirements{Options: r.opts, TotalDuration: options.Duration(totalDuration(r.opts)), MaxVUs: r.opts.MaxConcurrentVUs()}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return r.fail(ExitRuntimeError, "%v", err)
	}
	fmt.Fprintf(r.gs.Stdout, "%s\n", b)
	return ExitOK
}

// totalDuration is the longest the scenarios can run, as k6 computes it: the latest end of
// any scenario, its startTime, stages or duration, gracefulRampDown and gracefulStop
// included (the banner's "max duration (incl. graceful stop)").
func totalDuration(o options.Options) time.Duration {
	var d time.Duration
	for _, s := range o.Scenarios {
		d = max(d, s.StartTime.D()+s.MaxTime())
	}
	return d
}
