// Package options reads a run's options from the script's `options` export, K6_* environment
// variables and command-line flags, merges them (flags win over env, env over the script),
// turns the shortcuts into scenarios and validates everything, reporting every problem at
// once with the option's name and its bad value.
package options

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Options are the run's options. Pointers tell "not set" from a zero value, for merging.
type Options struct {
	VUs        *int64              `json:"vus,omitempty"`
	Duration   *Duration           `json:"duration,omitempty"`
	Iterations *int64              `json:"iterations,omitempty"`
	Stages     []Stage             `json:"stages,omitempty"`
	Scenarios  map[string]Scenario `json:"scenarios,omitempty"`

	Thresholds        map[string]json.RawMessage `json:"thresholds,omitempty"`
	SummaryTrendStats []string                   `json:"summaryTrendStats,omitempty"`
	Tags              map[string]string          `json:"tags,omitempty"`
	SetupTimeout      *Duration                  `json:"setupTimeout,omitempty"`
	TeardownTimeout   *Duration                  `json:"teardownTimeout,omitempty"`
	NoSummary         *bool                      `json:"noSummary,omitempty"`

	// Unknown holds option names this host does not know, to warn about (k6 ignores them).
	Unknown []string `json:"-"`
}

// Stage is one step of a ramping executor.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   int64    `json:"target"`
}

// ErrInvalid wraps every validation problem (k6's exit code 104).
var ErrInvalid = errors.New("invalid options")

// knownOptions are the option names the host reads, plus k6 options that have no meaning
// for Neo4j and are accepted silently; any other name gets a warning.
var knownOptions = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"vus", "duration", "iterations", "stages", "scenarios", "thresholds",
		"summaryTrendStats", "tags", "setupTimeout", "teardownTimeout", "noSummary",
		// k6 options that have no meaning for Neo4j or this host, accepted silently:
		"discardResponseBodies", "insecureSkipTLSVerify", "userAgent", "batch", "batchPerHost",
		"httpDebug", "noConnectionReuse", "noVUConnectionReuse", "throw", "maxRedirects",
		"summaryTimeUnit", "systemTags", "ext", "cloud", "hosts", "dns", "minIterationDuration",
		"noCookiesReset", "rps", "blockHostnames", "localIPs", "tlsAuth", "tlsCipherSuites",
		"tlsVersion", "setupTimeout", "executionSegment", "executionSegmentSequence", "paused"} {
		m[n] = true
	}
	return m
}()

// FromJSON reads options as a script exports them.
func FromJSON(b []byte) (Options, error) {
	var o Options
	if len(b) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&o); err != nil {
		return o, fmt.Errorf("%w: %s", ErrInvalid, jsonProblem(err))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err == nil {
		for k := range raw {
			if !knownOptions[k] {
				o.Unknown = append(o.Unknown, k)
			}
		}
		sort.Strings(o.Unknown)
	}
	return o, nil
}

// jsonProblem names the option whose value had the wrong type.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("option %q: %s is not a valid %s", te.Field, te.Value, friendlyType(te.Type.String()))
	}
	return err.Error()
}

func friendlyType(t string) string {
	switch {
	case strings.Contains(t, "int"):
		return "whole number"
	case strings.Contains(t, "map"):
		return "object"
	case strings.HasPrefix(t, "[]"):
		return "list"
	case t == "string":
		return "string"
	case t == "bool":
		return "true/false"
	}
	return t
}

// Apply overlays o's set fields onto base: o is the higher-priority layer. Shortcuts given in
// o replace scenarios from base, as in k6: `--vus 10 --duration 30s` overrides what the
// script configured.
func (base Options) Apply(o Options) Options {
	out := base
	if o.Duration != nil || o.Iterations != nil || o.Stages != nil || o.Scenarios != nil {
		out.Scenarios, out.Duration, out.Iterations, out.Stages = nil, nil, nil, nil
	}
	if o.VUs != nil {
		out.VUs = o.VUs
	}
	if o.Duration != nil {
		out.Duration = o.Duration
	}
	if o.Iterations != nil {
		out.Iterations = o.Iterations
	}
	if o.Stages != nil {
		out.Stages = o.Stages
	}
	if o.Scenarios != nil {
		out.Scenarios = o.Scenarios
	}
	if o.Thresholds != nil {
		out.Thresholds = o.Thresholds
	}
	if o.SummaryTrendStats != nil {
		out.SummaryTrendStats = o.SummaryTrendStats
	}
	if o.Tags != nil {
		merged := make(map[string]string, len(out.Tags)+len(o.Tags))
		for k, v := range out.Tags {
			merged[k] = v
		}
		for k, v := range o.Tags {
			merged[k] = v
		}
		out.Tags = merged
	}
	if o.SetupTimeout != nil {
		out.SetupTimeout = o.SetupTimeout
	}
	if o.TeardownTimeout != nil {
		out.TeardownTimeout = o.TeardownTimeout
	}
	if o.NoSummary != nil {
		out.NoSummary = o.NoSummary
	}
	return out
}

// Resolve turns the shortcuts into scenarios (iterations -> shared-iterations, duration ->
// constant-vus, stages -> ramping-vus, nothing -> one VU running one iteration) and
// validates the result. All problems are reported together.
func (o Options) Resolve() (Options, error) {
	var errs []error
	shortcuts := o.Duration != nil || o.Iterations != nil || o.Stages != nil
	if shortcuts && len(o.Scenarios) > 0 {
		errs = append(errs, errors.New("\"scenarios\" and the shortcuts \"duration\", \"iterations\" or \"stages\" are both set; use one or the other"))
	}
	if o.VUs != nil && *o.VUs < 0 {
		errs = append(errs, fmt.Errorf("option \"vus\": %d is negative", *o.VUs))
	}
	if len(o.Scenarios) == 0 {
		vus := int64(1)
		if o.VUs != nil {
			vus = *o.VUs
		}
		s := Scenario{VUs: &vus}
		switch {
		case o.Iterations != nil:
			s.Executor = SharedIterations
			s.Iterations = o.Iterations
			s.MaxDuration = o.Duration
		case o.Stages != nil:
			s.Executor = RampingVUs
			s.StartVUs = &vus
			s.VUs = nil
			s.Stages = o.Stages
		case o.Duration != nil && *o.Duration > 0:
			s.Executor = ConstantVUs
			s.Duration = o.Duration
		default:
			s.Executor = SharedIterations
			one := int64(1)
			s.Iterations = &one
			if vus > 1 {
				s.Iterations = &vus
			}
		}
		o.Scenarios = map[string]Scenario{"default": s}
	}
	names := make([]string, 0, len(o.Scenarios))
	for n := range o.Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := o.Scenarios[n]
		errs = append(errs, s.fillAndValidate(n)...)
		o.Scenarios[n] = s
	}
	for _, st := range o.SummaryTrendStats {
		if err := validTrendStat(st); err != nil {
			errs = append(errs, fmt.Errorf("option \"summaryTrendStats\": %w", err))
		}
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("%w:\n  - %w", ErrInvalid, joinIndented(errs))
	}
	return o, nil
}

// ScenarioNames returns the scenario names in start order (startTime, then name).
func (o Options) ScenarioNames() []string {
	names := make([]string, 0, len(o.Scenarios))
	for n := range o.Scenarios {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := o.Scenarios[names[i]], o.Scenarios[names[j]]
		if a.StartTime != b.StartTime {
			return a.StartTime < b.StartTime
		}
		return names[i] < names[j]
	})
	return names
}

type multiErr []error

func (m multiErr) Error() string {
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n  - ")
}

func (m multiErr) Unwrap() []error { return m }

func joinIndented(errs []error) error { return multiErr(errs) }
