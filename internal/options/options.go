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
	"maps"
	"reflect"
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
	SummaryTimeUnit   *string                    `json:"summaryTimeUnit,omitempty"`

	// Lifecycle, as in k6: noSetup/noTeardown skip those functions (--no-setup,
	// --no-teardown); handleSummaryTimeout bounds handleSummary() (k6's default 2m);
	// minIterationDuration makes an iteration that ends sooner wait out the rest.
	NoSetup              *bool     `json:"noSetup,omitempty"`
	NoTeardown           *bool     `json:"noTeardown,omitempty"`
	HandleSummaryTimeout *Duration `json:"handleSummaryTimeout,omitempty"`
	MinIterationDuration *Duration `json:"minIterationDuration,omitempty"`
	// NoConnectionReuse is read only to warn that it has no effect: Neo4j connections are
	// pooled per identity whatever it says.
	NoConnectionReuse *bool `json:"noConnectionReuse,omitempty"`
	// SystemTags lists the system tags samples keep (k6's systemTags, --system-tags); nil
	// is k6's default set. Checked and applied by metrics.ParseSystemTags.
	SystemTags []string `json:"systemTags,omitempty"`
	// ConsoleOutput is k6's consoleOutput (--console-output): a file console.* writes to.
	ConsoleOutput *string `json:"consoleOutput,omitempty"`
	// ExecutionSegment and ExecutionSegmentSequence are k6's (--execution-segment,
	// --execution-segment-sequence): the share of the test this instance runs, among the
	// instances of the sequence (segment.go). Resolve checks them and writes them as k6 does
	// ("1/3:2/3", "0,1/3,2/3,1"); Tuple is the result.
	ExecutionSegment         *string `json:"executionSegment,omitempty"`
	ExecutionSegmentSequence *string `json:"executionSegmentSequence,omitempty"`

	// Unknown holds option names this host does not know, to warn about (k6 ignores them).
	Unknown []string `json:"-"`

	// segment is what Resolve made of the execution segment options; nil is the whole test.
	segment *Tuple
}

// Stage is one step of a ramping executor.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   int64    `json:"target"`
}

// ErrInvalid wraps every validation problem (k6's exit code 104).
var ErrInvalid = errors.New("invalid options")

// ignoredOptions are k6 options that have no meaning for Neo4j or this host: they are
// accepted silently. Any other name that is not a field of Options gets a warning.
var ignoredOptions = map[string]bool{
	"discardResponseBodies": true, "insecureSkipTLSVerify": true, "userAgent": true, "batch": true,
	"batchPerHost": true, "httpDebug": true, "noVUConnectionReuse": true,
	"throw": true, "maxRedirects": true, "ext": true,
	"cloud": true, "hosts": true, "dns": true, "noCookiesReset": true,
	"rps": true, "blockHostnames": true, "localIPs": true, "tlsAuth": true, "tlsCipherSuites": true,
	"tlsVersion": true, "paused": true,
}

// FromJSON reads options as a script exports them: one JSON object (or null), nothing after
// it. Names are matched exactly, as JavaScript keys are: "VUS" is not "vus" but an unknown
// option, listed in Unknown and ignored. Every value of the wrong type or form is reported,
// each naming its option (and scenario).
func FromJSON(b []byte) (Options, error) {
	var o Options
	if len(bytes.TrimSpace(b)) == 0 {
		return o, nil
	}
	raw, err := jsonObject(b)
	if err != nil {
		return Options{}, fmt.Errorf("%w: the options %w", ErrInvalid, err)
	}
	var d decoder
	d.fields(raw, &o, "", func(key string) string { return fmt.Sprintf("option %q", key) })
	if len(d.errs) > 0 {
		return Options{}, fmt.Errorf("%w:\n  - %w", ErrInvalid, joinIndented(d.errs))
	}
	for _, u := range d.unknown {
		if !ignoredOptions[u] {
			o.Unknown = append(o.Unknown, u)
		}
	}
	sort.Strings(o.Unknown)
	return o, nil
}

// decoder decodes JSON objects into structs key by key. encoding/json would match keys to
// fields case-insensitively ({"VUS":5} would set VUs), lose the name of the option whose
// Duration was bad, and name a scenario's field "scenarios.vus" without the scenario; this
// matches each key to a json tag exactly and names every failure. It collects the problems
// rather than stopping at the first, so a script is fixed in one round trip.
type decoder struct {
	unknown []string // keys that name no field, with their path ("scenarios.a.VUS")
	errs    []error
}

// fields decodes the JSON object raw into the struct *dst. path prefixes the unknown keys;
// name says how a message names the field with a key.
func (d *decoder) fields(raw map[string]json.RawMessage, dst any, path string, name func(key string) string) {
	byName := jsonFields(dst)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch f := byName[k].(type) {
		case nil:
			d.unknown = append(d.unknown, path+k)
		case *map[string]Scenario:
			d.scenarios(raw[k], f, name(k))
		case *[]Stage:
			d.stages(raw[k], f, path+k, name(k))
		default:
			if err := json.Unmarshal(raw[k], f); err != nil {
				d.errs = append(d.errs, fmt.Errorf("%s: %w", name(k), valueError(raw[k], f, err)))
			}
		}
	}
}

func (d *decoder) scenarios(raw json.RawMessage, dst *map[string]Scenario, where string) {
	m, err := jsonObject(raw)
	if err != nil {
		d.errs = append(d.errs, fmt.Errorf("%s: %s %w", where, short(raw), err))
		return
	}
	if m == nil {
		*dst = nil
		return
	}
	out := make(map[string]Scenario, len(m))
	for n, sraw := range m {
		sm, err := jsonObject(sraw)
		if err != nil {
			d.errs = append(d.errs, fmt.Errorf("scenario %q: %s %w", n, short(sraw), err))
			continue
		}
		var s Scenario
		d.fields(sm, &s, "scenarios."+n+".", func(key string) string {
			return fmt.Sprintf("scenario %q, option %q", n, key)
		})
		out[n] = s
	}
	*dst = out
}

func (d *decoder) stages(raw json.RawMessage, dst *[]Stage, path, where string) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		d.errs = append(d.errs, fmt.Errorf("%s: %w", where, valueError(raw, dst, err)))
		return
	}
	if items == nil {
		*dst = nil
		return
	}
	out := make([]Stage, len(items))
	for i, item := range items {
		m, err := jsonObject(item)
		if err != nil {
			d.errs = append(d.errs, fmt.Errorf("%s: stage %d: %s %w", where, i, short(item), err))
			continue
		}
		d.fields(m, &out[i], fmt.Sprintf("%s[%d].", path, i), func(key string) string {
			return fmt.Sprintf("%s: stage %d, %q", where, i, key)
		})
	}
	*dst = out
}

// jsonFields maps the json name of each field of the struct *p to the field's address.
func jsonFields(p any) map[string]any {
	v := reflect.ValueOf(p).Elem()
	m := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = v.Field(i).Addr().Interface()
		}
	}
	return m
}

// jsonObject reads b as exactly one JSON object or null (a nil map), nothing after it. Its
// error completes a sentence whose subject is the value.
func jsonObject(b []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("must be an object, not %s", article(te.Value))
		}
		return nil, fmt.Errorf("are not valid JSON: %w", err)
	}
	return m, nil
}

func article(kind string) string {
	if kind == "array" || kind == "object" {
		return "an " + kind
	}
	return "a " + kind
}

// valueError says what is wrong with raw, which json.Unmarshal refused to put into dst.
// A Duration's own errors already quote the value.
func valueError(raw json.RawMessage, dst any, err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	if te.Field != "" {
		return fmt.Errorf("%q: %s is not %s", te.Field, te.Value, describe(te.Type))
	}
	return fmt.Errorf("%s is not %s", short(raw), describe(reflect.TypeOf(dst).Elem()))
}

// describe names a Go type for a script author.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Map:
		if t.Elem().Kind() == reflect.String {
			return "an object of strings"
		}
		return "an object"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}

// short is raw on one line, cut to a length that fits in a message.
func short(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		b.Reset()
		b.Write(raw)
	}
	const maxRunes = 40
	if r := []rune(b.String()); len(r) > maxRunes {
		return string(r[:maxRunes-1]) + "…"
	}
	return b.String()
}

// Apply overlays o's set fields onto base: o is the higher-priority layer. Shortcuts given in
// o replace scenarios from base, as in k6: `--vus 10 --duration 30s` overrides what the
// script configured.
func (base Options) Apply(o Options) Options {
	out := base
	if o.Duration != nil || o.Iterations != nil || o.Stages != nil || o.Scenarios != nil {
		out.Scenarios, out.Duration, out.Iterations, out.Stages = nil, nil, nil, nil
	}
	over(&out.VUs, o.VUs, o.VUs != nil)
	over(&out.Duration, o.Duration, o.Duration != nil)
	over(&out.Iterations, o.Iterations, o.Iterations != nil)
	over(&out.Stages, o.Stages, o.Stages != nil)
	over(&out.Scenarios, o.Scenarios, o.Scenarios != nil)
	over(&out.Thresholds, o.Thresholds, o.Thresholds != nil)
	over(&out.SummaryTrendStats, o.SummaryTrendStats, o.SummaryTrendStats != nil)
	over(&out.SetupTimeout, o.SetupTimeout, o.SetupTimeout != nil)
	over(&out.TeardownTimeout, o.TeardownTimeout, o.TeardownTimeout != nil)
	over(&out.NoSummary, o.NoSummary, o.NoSummary != nil)
	over(&out.SummaryTimeUnit, o.SummaryTimeUnit, o.SummaryTimeUnit != nil)
	over(&out.NoSetup, o.NoSetup, o.NoSetup != nil)
	over(&out.NoTeardown, o.NoTeardown, o.NoTeardown != nil)
	over(&out.HandleSummaryTimeout, o.HandleSummaryTimeout, o.HandleSummaryTimeout != nil)
	over(&out.MinIterationDuration, o.MinIterationDuration, o.MinIterationDuration != nil)
	over(&out.NoConnectionReuse, o.NoConnectionReuse, o.NoConnectionReuse != nil)
	over(&out.SystemTags, o.SystemTags, o.SystemTags != nil)
	over(&out.ConsoleOutput, o.ConsoleOutput, o.ConsoleOutput != nil)
	over(&out.ExecutionSegment, o.ExecutionSegment, o.ExecutionSegment != nil)
	over(&out.ExecutionSegmentSequence, o.ExecutionSegmentSequence, o.ExecutionSegmentSequence != nil)
	if o.Tags != nil { // tags merge, the higher layer winning per tag
		merged := make(map[string]string, len(out.Tags)+len(o.Tags))
		maps.Copy(merged, out.Tags)
		maps.Copy(merged, o.Tags)
		out.Tags = merged
	}
	return out
}

// over sets *dst to v when the higher layer set it.
func over[T any](dst *T, v T, set bool) {
	if set {
		*dst = v
	}
}

// Resolve turns the shortcuts into scenarios as k6 does (iterations -> shared-iterations,
// with duration as its maxDuration; duration -> constant-vus; stages -> ramping-vus starting
// at vus; vus alone -> shared-iterations of vus iterations; nothing -> per-vu-iterations,
// one VU running one iteration) and validates the result. All problems are reported together.
func (o Options) Resolve() (Options, error) {
	var errs []error
	shortcuts := o.Duration != nil || o.Iterations != nil || len(o.Stages) > 0
	if shortcuts && len(o.Scenarios) > 0 {
		errs = append(errs, errors.New("\"scenarios\" and the shortcuts \"duration\", \"iterations\" or \"stages\" are both set; use one or the other"))
	}
	if o.VUs != nil && *o.VUs < 0 {
		errs = append(errs, fmt.Errorf("option \"vus\": %d is negative", *o.VUs))
	}
	// As k6: two shortcuts that each choose an executor contradict each other.
	if len(o.Stages) > 0 && (o.Iterations != nil || o.Duration != nil) {
		other := "iterations"
		if o.Iterations == nil {
			other = "duration"
		}
		errs = append(errs, fmt.Errorf("options %q and \"stages\" are both set; use one or the other", other))
	}
	if o.Iterations == nil && o.Duration != nil && *o.Duration <= 0 && len(o.Scenarios) == 0 {
		errs = append(errs, fmt.Errorf("option \"duration\": %s must be more than 0 (for a test with no end, use the externally-controlled executor)", *o.Duration))
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
		case len(o.Stages) > 0:
			s.Executor = RampingVUs
			s.StartVUs = &vus
			s.VUs = nil
			s.Stages = o.Stages
		case o.Duration != nil && *o.Duration > 0: // 0 is refused above, once
			s.Executor = ConstantVUs
			s.Duration = o.Duration
		case o.VUs != nil:
			s.Executor = SharedIterations
			s.Iterations = &vus
		default:
			// k6's default when nothing says how to run: one VU, one iteration, on the
			// per-vu-iterations executor (its name shows in the summary and exec.scenario).
			s.Executor = PerVUIterations
			one := int64(1)
			s.Iterations = &one
		}
		o.Scenarios = map[string]Scenario{"default": s}
	}
	// o is a copy, but its map is the caller's: fill the defaults into a map of our own.
	scenarios := make(map[string]Scenario, len(o.Scenarios))
	names := make([]string, 0, len(o.Scenarios))
	for n := range o.Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := o.Scenarios[n]
		errs = append(errs, s.fillAndValidate(n)...)
		scenarios[n] = s
	}
	o.Scenarios = scenarios
	for _, st := range o.SummaryTrendStats {
		if err := validTrendStat(st); err != nil {
			errs = append(errs, fmt.Errorf("option \"summaryTrendStats\": %w", err))
		}
	}
	if u := o.SummaryTimeUnit; u != nil && *u != "" && *u != "s" && *u != "ms" && *u != "us" {
		errs = append(errs, fmt.Errorf("option \"summaryTimeUnit\": %q is not a time unit: use s, ms or us", *u))
	}
	segment, segErrs := segmentTuple(o.ExecutionSegment, o.ExecutionSegmentSequence)
	errs = append(errs, segErrs...)
	o.segment = segment
	if len(segErrs) == 0 {
		// Written as k6 writes them, so exec.test.options shows "0:33/100" for "33%".
		if s := o.ExecutionSegment; s != nil && *s != "" {
			canon := segment.Segment().String() // a nil segment, the whole test, is 0:1
			o.ExecutionSegment = &canon
		}
		if q := o.ExecutionSegmentSequence; q != nil && *q != "" {
			parsed, _ := ParseSegmentSequence(*q)
			canon := parsed.String()
			o.ExecutionSegmentSequence = &canon
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

// Warnings are what the run should say about options it accepts but cannot honour.
// discardResponseBodies and the other HTTP options are silently ignored instead: they
// change nothing a Neo4j test measures.
func (o Options) Warnings() []string {
	var w []string
	if o.NoConnectionReuse != nil && *o.NoConnectionReuse {
		w = append(w, "option \"noConnectionReuse\" has no effect here: each identity's Neo4j connections are pooled and reused")
	}
	return w
}
