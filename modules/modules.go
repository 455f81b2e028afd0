// Package modules is the contract between the xk6-neo4j host and the JavaScript modules it
// serves to scripts (`k6/x/neo4j` among them). It mirrors the shape of k6's js/modules so an
// extension written against it ports to k6 by changing imports.
//
// # Lifecycle
//
// The host creates each [Module] once per test run. For every VU that imports it, including
// the VUs that only run init code (options, setup, teardown, handleSummary), the host calls
// [Module.NewModuleInstance] with that [VU]. During init [VU.InitEnv] is non-nil and
// [VU.State] is nil; while iterations run it is the other way round. [VU.Context] is
// cancelled when the VU's current run is stopped hard: blocking calls take it.
// [VU.Lifetime] is cancelled once, when the VU is discarded at the end of the run: instances
// release what they hold then.
//
// A module that also implements [io.Closer] is closed once, after every VU has ended, so it
// can free what the VUs shared.
//
// # Errors
//
// Go functions return error; the JS boundary turns it into an exception. Code behind this
// contract never panics with an error and never exits the process.
package modules

import (
	"context"
	"log/slog"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Module is registered once with the host under an import path such as "k6/x/neo4j".
type Module interface {
	NewModuleInstance(VU) Instance
}

// Instance is a module as one VU sees it.
type Instance interface {
	Exports() Exports
}

// FromExports makes a Module out of the function that builds one VU's exports, for modules
// that share nothing between VUs. The host calls exports once per VU that imports the
// module (init-only VUs included), from [Module.NewModuleInstance], so work it does (reading
// [VU.InitEnv], registering metrics) happens at the same point as in a hand-written
// NewModuleInstance; the instance then returns those exports every time it is asked.
func FromExports(exports func(vu VU) Exports) Module { return exportsModule(exports) }

// exportsModule is the Module FromExports makes.
type exportsModule func(VU) Exports

// NewModuleInstance implements Module.
func (f exportsModule) NewModuleInstance(vu VU) Instance { return fixedExports(f(vu)) }

// fixedExports is an Instance whose exports were built when it was made.
type fixedExports Exports

// Exports implements Instance.
func (e fixedExports) Exports() Exports { return Exports(e) }

// Exports is what `import` gives a script: Default for `import x from`, Named for
// `import {a} from`.
type Exports struct {
	Default any
	Named   map[string]any
}

// VU is a virtual user as a module sees it. All methods are called on the VU's own goroutine.
type VU interface {
	// Context is cancelled when the VU's current run is stopped hard or the VU is
	// discarded; blocking calls made for the script take it.
	Context() context.Context
	// Lifetime is cancelled once, when the VU is discarded.
	Lifetime() context.Context
	// Runtime is the VU's JavaScript runtime.
	Runtime() *sobek.Runtime
	// InitEnv is non-nil only while the script's init code runs.
	InitEnv() *InitEnvironment
	// State is nil during init, non-nil while the VU runs setup, iterations or teardown.
	State() *State
}

// InitEnvironment is what init code may use: the run's metrics registry, the environment
// the script sees (`__ENV`), a logger and read access to files beside the script.
type InitEnvironment struct {
	Registry *metrics.Registry
	// LookupEnv reads the script's environment (the process env plus -e KEY=VALUE).
	LookupEnv func(key string) (string, bool)
	Logger    *slog.Logger
	// ReadFile reads a file, relative paths against the script's folder.
	ReadFile func(path string) ([]byte, error)
	// Samples takes what a module measures outside any VU's calls, such as a background
	// sampler: the same stream as the VUs' (State.Samples). Push with metrics.PushIfNotDone
	// and a context that ends when the module stops measuring. Nil when nothing takes them.
	Samples chan<- metrics.SampleContainer
	// RunTags returns the run's own tags (options.tags and --tag), for such samples: nil
	// until the options are resolved (a module waits for them before it pushes such
	// samples), an empty set for a run with none. The field is nil in hosts without tags.
	RunTags func() *metrics.TagSet
	// Recording: the init code runs only so that the host can record or inspect the test
	// (archive, inspect), not to run it. Modules check their arguments as usual but open no
	// connections: an orchestrator's initializer needs neither the servers nor their
	// credentials.
	Recording bool
}

// State is what running code may use.
type State struct {
	// VUID is 1-based for VUs that run iterations and 0 for setup, teardown and summary.
	VUID uint64
	// Iteration is the VU's iteration counter, from 0.
	Iteration int64
	// Tags are the tags of the current iteration (scenario, group, user tags); samples
	// carry them. The host replaces the pointer, never mutates the set; so does k6/execution
	// when a script sets exec.vu.tags.
	Tags *metrics.TagSet
	// Metadata is exec.vu.metrics.metadata: sent with samples to outputs, never a tag. It is
	// replaced, never mutated, so a sample may keep the map it was given.
	Metadata map[string]string
	// Samples receives everything the VU measures; push with metrics.PushIfNotDone.
	Samples chan<- metrics.SampleContainer
	Logger  *slog.Logger
}
