package options_test

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func mustFromJSON(t *testing.T, s string) options.Options {
	t.Helper()
	o, err := options.FromJSON([]byte(s))
	if err != nil {
		t.Fatalf("FromJSON(%s): %v", s, err)
	}
	return o
}

func TestFromJSON(t *testing.T) {
	t.Parallel()
	o := mustFromJSON(t, `{
		"vus": 10, "duration": "1m", "iterations": 100,
		"stages": [{"duration": "10s", "target": 5}, {"duration": 2000, "target": 0}],
		"thresholds": {"neo4j_query_duration": ["p(95)<200"]},
		"summaryTrendStats": ["avg", "p(99)"],
		"tags": {"env": "staging"},
		"setupTimeout": "2m", "teardownTimeout": 5000, "noSummary": true
	}`)
	if o.VUs == nil || *o.VUs != 10 {
		t.Errorf("VUs = %v, want 10", o.VUs)
	}
	if o.Duration == nil || o.Duration.D() != time.Minute {
		t.Errorf("Duration = %v, want 1m", o.Duration)
	}
	if o.Iterations == nil || *o.Iterations != 100 {
		t.Errorf("Iterations = %v, want 100", o.Iterations)
	}
	wantStages := []options.Stage{
		{Duration: options.Duration(10 * time.Second), Target: 5},
		{Duration: options.Duration(2 * time.Second), Target: 0},
	}
	if !reflect.DeepEqual(o.Stages, wantStages) {
		t.Errorf("Stages = %+v, want %+v", o.Stages, wantStages)
	}
	if got := string(o.Thresholds["neo4j_query_duration"]); got != `["p(95)<200"]` {
		t.Errorf("thresholds kept raw = %s", got)
	}
	if !slices.Equal(o.SummaryTrendStats, []string{"avg", "p(99)"}) {
		t.Errorf("SummaryTrendStats = %v", o.SummaryTrendStats)
	}
	if o.Tags["env"] != "staging" {
		t.Errorf("Tags = %v", o.Tags)
	}
	if o.SetupTimeout == nil || o.SetupTimeout.D() != 2*time.Minute {
		t.Errorf("SetupTimeout = %v, want 2m", o.SetupTimeout)
	}
	if o.TeardownTimeout == nil || o.TeardownTimeout.D() != 5*time.Second {
		t.Errorf("TeardownTimeout = %v, want 5s (a number is milliseconds)", o.TeardownTimeout)
	}
	if o.NoSummary == nil || !*o.NoSummary {
		t.Errorf("NoSummary = %v, want true", o.NoSummary)
	}
	if len(o.Unknown) != 0 {
		t.Errorf("Unknown = %v, want none", o.Unknown)
	}
}

func TestFromJSONEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "{}"} {
		o, err := options.FromJSON([]byte(in))
		if err != nil {
			t.Fatalf("FromJSON(%q): %v", in, err)
		}
		if !reflect.DeepEqual(o, options.Options{}) {
			t.Errorf("FromJSON(%q) = %+v, want the zero Options", in, o)
		}
	}
}

func TestFromJSONTypeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		// named must all appear in the message: the option (and scenario) and the bad value.
		named []string
	}{
		{"vus as word", `{"vus":"ten"}`, []string{`option "vus"`, `"ten"`}},
		{"vus fractional", `{"vus":1.5}`, []string{`option "vus"`, "1.5"}},
		{"iterations as bool", `{"iterations":true}`, []string{`option "iterations"`, "true"}},
		{"stages not a list", `{"stages":"fast"}`, []string{`option "stages"`, `"fast"`}},
		{"stage target as word", `{"stages":[{"duration":"1s","target":"x"}]}`, []string{`option "stages"`, "stage 0", `"target"`, `"x"`}},
		{"stage not an object", `{"stages":[{"duration":"1s","target":1},5]}`, []string{`option "stages"`, "stage 1", "5"}},
		{"stage duration bad", `{"stages":[{"duration":"1s","target":1},{"duration":"1y","target":1}]}`,
			[]string{`option "stages"`, "stage 1", `"duration"`, `"1y"`}},
		{"tags not strings", `{"tags":{"a":1}}`, []string{`option "tags"`, `{"a":1}`}},
		{"tags not an object", `{"tags":["a"]}`, []string{`option "tags"`, `["a"]`}},
		{"summaryTrendStats not a list", `{"summaryTrendStats":"avg"}`, []string{`option "summaryTrendStats"`, `"avg"`}},
		{"noSummary as string", `{"noSummary":"yes"}`, []string{`option "noSummary"`, `"yes"`}},
		{"thresholds not an object", `{"thresholds":[1]}`, []string{`option "thresholds"`, "[1]"}},
		{"scenarios not an object", `{"scenarios":[1]}`, []string{`option "scenarios"`, "[1]"}},
		{"duration as bool", `{"duration":true}`, []string{`option "duration"`, "true"}},
		{"duration garbage", `{"duration":"abc"}`, []string{`option "duration"`, `"abc"`}},
		{"duration overflowing number", `{"duration":1e300}`, []string{`option "duration"`, "1e300"}},
		{"setupTimeout negative", `{"setupTimeout":"-5s"}`, []string{`option "setupTimeout"`, `"-5s"`}},
		{"teardownTimeout negative number", `{"teardownTimeout":-1}`, []string{`option "teardownTimeout"`, "-1"}},
		{"scenario not an object", `{"scenarios":{"a":3}}`, []string{`scenario "a"`, "3"}},
		{"scenario duration bad", `{"scenarios":{"a":{"executor":"constant-vus","duration":true}}}`,
			[]string{`scenario "a", option "duration"`, "true"}},
		{"scenario vus as word", `{"scenarios":{"a":{"executor":"constant-vus","vus":"2"}}}`,
			[]string{`scenario "a", option "vus"`, `"2"`}},
		{"scenario startTime negative", `{"scenarios":{"a":{"executor":"shared-iterations","startTime":"-1s"}}}`,
			[]string{`scenario "a", option "startTime"`, `"-1s"`}},
		{"scenario stage bad", `{"scenarios":{"a":{"executor":"ramping-vus","stages":[{"duration":-1,"target":1}]}}}`,
			[]string{`scenario "a", option "stages"`, "stage 0", `"duration"`, "-1"}},
		{"not an object", `[1]`, []string{"options", "object", "array"}},
		{"a string", `"vus"`, []string{"options", "object", "string"}},
		{"trailing data", `{"vus":1} {"vus":2}`, []string{"options", "JSON"}},
		{"trailing garbage", `{"vus":1} x`, []string{"options", "JSON"}},
		{"truncated", `{"vus":1`, []string{"options", "JSON"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := options.FromJSON([]byte(tc.in))
			if err == nil {
				t.Fatalf("FromJSON(%s) succeeded, want an error", tc.in)
			}
			if !errors.Is(err, options.ErrInvalid) {
				t.Errorf("FromJSON(%s) error %v is not ErrInvalid", tc.in, err)
			}
			for _, n := range tc.named {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("FromJSON(%s) error %q does not name %s", tc.in, err, n)
				}
			}
			if strings.Contains(err.Error(), `option ""`) || strings.Contains(err.Error(), "scenarios.") {
				t.Errorf("FromJSON(%s) error %q names an option without its name or scenario", tc.in, err)
			}
		})
	}
}

// Every wrongly typed value is reported at once, not only the first.
func TestFromJSONReportsEveryTypeError(t *testing.T) {
	t.Parallel()
	_, err := options.FromJSON([]byte(`{"vus":"x","duration":true,"scenarios":{"a":{"executor":"constant-vus","vus":"y"},"b":{"executor":"constant-vus","duration":"-1s"}}}`))
	if !errors.Is(err, options.ErrInvalid) {
		t.Fatalf("FromJSON = %v, want ErrInvalid", err)
	}
	for _, want := range []string{`option "vus"`, `option "duration"`, `scenario "a", option "vus"`, `scenario "b", option "duration"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %s:\n%v", want, err)
		}
	}
}

func TestFromJSONNull(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`null`, ` `, "\n"} {
		o, err := options.FromJSON([]byte(in))
		if err != nil {
			t.Fatalf("FromJSON(%q): %v", in, err)
		}
		if !reflect.DeepEqual(o, options.Options{}) {
			t.Errorf("FromJSON(%q) = %+v, want the zero Options", in, o)
		}
	}
}

func TestFromJSONUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"none", `{"vus":1,"duration":"1s"}`, nil},
		{"collected and sorted", `{"vus":1,"zeta":1,"alpha":{"x":1}}`, []string{"alpha", "zeta"}},
		{"k6-only options are not unknown", `{
			"discardResponseBodies": true, "insecureSkipTLSVerify": true, "userAgent": "x",
			"batch": 10, "httpDebug": "full", "noConnectionReuse": true, "systemTags": ["vu"],
			"ext": {}, "cloud": {}, "hosts": {}, "dns": {}, "minIterationDuration": "1s",
			"summaryTimeUnit": "ms", "throw": true, "maxRedirects": 3
		}`, nil},
		{"k6-only mixed with unknown", `{"discardResponseBodies":true,"neo4jUri":"bolt://x"}`, []string{"neo4jUri"}},
		{"option names are case-sensitive", `{"VUS":5}`, []string{"VUS"}},
		{"scenario fields are case-sensitive", `{"scenarios":{"a":{"executor":"constant-vus","duration":"1s","VUs":5}}}`,
			[]string{"scenarios.a.VUs"}},
		{"stage fields are case-sensitive", `{"stages":[{"duration":"1s","target":1},{"Duration":"1s","target":1}]}`,
			[]string{"stages[1].Duration"}},
		{"unknown scenario field", `{"scenarios":{"a":{"executor":"shared-iterations","iterationz":5}}}`,
			[]string{"scenarios.a.iterationz"}},
		{"k6-only names are known at the top only", `{"scenarios":{"a":{"executor":"shared-iterations","batch":5}}}`,
			[]string{"scenarios.a.batch"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := mustFromJSON(t, tc.in)
			if !slices.Equal(o.Unknown, tc.want) {
				t.Errorf("Unknown = %q, want %q", o.Unknown, tc.want)
			}
		})
	}
}

// A name reported as unknown (and so ignored, as k6 ignores it) must not take effect.
func TestFromJSONUnknownNamesHaveNoEffect(t *testing.T) {
	t.Parallel()
	o := mustFromJSON(t, `{"VUS":5,"Duration":"1h","vus":2,
		"scenarios":{"a":{"executor":"constant-vus","duration":"1s","VUs":7}},
		"stages":[{"duration":"1s","target":1,"Target":9}]}`)
	if o.VUs == nil || *o.VUs != 2 || o.Duration != nil {
		t.Errorf("VUs = %v, Duration = %v; want 2 and unset: the names differ from vus/duration", o.VUs, o.Duration)
	}
	if s := o.Scenarios["a"]; s.VUs != nil {
		t.Errorf("scenario VUs = %d, want unset: VUs is not vus", *s.VUs)
	}
	if len(o.Stages) != 1 || o.Stages[0].Target != 1 {
		t.Errorf("Stages = %+v, want target 1: Target is not target", o.Stages)
	}
}

func TestApplyLayering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		script, env, flags  string
		wantVUs             int64 // 0: unset
		wantDuration        time.Duration
		wantIterations      int64
		wantStages          int
		wantScenarios       []string
		wantTags            map[string]string
		wantSummaryStats    []string
		wantNoSummary       *bool
		wantThresholdMetric string
	}{
		{
			name:   "flags beat env beat script",
			script: `{"vus":1,"duration":"10s"}`, env: `{"vus":2}`, flags: `{"vus":3}`,
			wantVUs: 3, wantDuration: 10 * time.Second,
		},
		{
			name:   "env beats script when flags are silent",
			script: `{"vus":1,"iterations":5}`, env: `{"vus":2}`, flags: `{}`,
			wantVUs: 2, wantIterations: 5,
		},
		{
			name:   "duration flag replaces script scenarios",
			script: `{"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}}}`, flags: `{"vus":10,"duration":"30s"}`,
			wantVUs: 10, wantDuration: 30 * time.Second,
		},
		{
			name:   "iterations in env replaces script scenarios",
			script: `{"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}}}`, env: `{"iterations":7}`,
			wantIterations: 7,
		},
		{
			name:   "stages flag replaces script scenarios",
			script: `{"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}}}`, flags: `{"stages":[{"duration":"5s","target":2}]}`,
			wantStages: 1,
		},
		{
			name:   "duration flag replaces script iterations",
			script: `{"vus":2,"iterations":100}`, flags: `{"duration":"30s"}`,
			wantVUs: 2, wantDuration: 30 * time.Second,
		},
		{
			name:   "iterations flag replaces script stages and duration",
			script: `{"duration":"1m","stages":[{"duration":"5s","target":2}]}`, flags: `{"iterations":3}`,
			wantIterations: 3,
		},
		{
			name:   "scenarios in env replace script shortcuts",
			script: `{"duration":"1m","iterations":4}`, env: `{"scenarios":{"e":{"executor":"shared-iterations"}}}`,
			wantScenarios: []string{"e"},
		},
		{
			name:   "vus alone keeps the script's scenarios",
			script: `{"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}}}`, flags: `{"vus":4}`,
			wantVUs: 4, wantScenarios: []string{"s"},
		},
		{
			name:   "tags merge, higher layer wins per key",
			script: `{"tags":{"a":"script","b":"script"}}`, env: `{"tags":{"b":"env","c":"env"}}`, flags: `{"tags":{"c":"flag"}}`,
			wantTags: map[string]string{"a": "script", "b": "env", "c": "flag"},
		},
		{
			name:   "summaryTrendStats replaced, not merged",
			script: `{"summaryTrendStats":["avg","min"]}`, flags: `{"summaryTrendStats":["p(99)"]}`,
			wantSummaryStats: []string{"p(99)"},
		},
		{
			name:   "noSummary false in a higher layer overrides true",
			script: `{"noSummary":true}`, flags: `{"noSummary":false}`,
			wantNoSummary: new(bool),
		},
		{
			name:   "thresholds replaced",
			script: `{"thresholds":{"a":["count>1"]}}`, env: `{"thresholds":{"b":["count>1"]}}`,
			wantThresholdMetric: "b",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			layer := func(s string) options.Options {
				if s == "" {
					return options.Options{}
				}
				return mustFromJSON(t, s)
			}
			got := layer(tc.script).Apply(layer(tc.env)).Apply(layer(tc.flags))
			var vus int64
			if got.VUs != nil {
				vus = *got.VUs
			}
			if vus != tc.wantVUs {
				t.Errorf("VUs = %d, want %d", vus, tc.wantVUs)
			}
			var d time.Duration
			if got.Duration != nil {
				d = got.Duration.D()
			}
			if d != tc.wantDuration {
				t.Errorf("Duration = %v, want %v", d, tc.wantDuration)
			}
			var it int64
			if got.Iterations != nil {
				it = *got.Iterations
			}
			if it != tc.wantIterations {
				t.Errorf("Iterations = %d, want %d", it, tc.wantIterations)
			}
			if len(got.Stages) != tc.wantStages {
				t.Errorf("Stages = %v, want %d", got.Stages, tc.wantStages)
			}
			if names := slices.Sorted(maps.Keys(got.Scenarios)); !slices.Equal(names, tc.wantScenarios) {
				t.Errorf("Scenarios = %v, want %v", names, tc.wantScenarios)
			}
			if tc.wantTags != nil && !maps.Equal(got.Tags, tc.wantTags) {
				t.Errorf("Tags = %v, want %v", got.Tags, tc.wantTags)
			}
			if tc.wantSummaryStats != nil && !slices.Equal(got.SummaryTrendStats, tc.wantSummaryStats) {
				t.Errorf("SummaryTrendStats = %v, want %v", got.SummaryTrendStats, tc.wantSummaryStats)
			}
			if tc.wantNoSummary != nil && (got.NoSummary == nil || *got.NoSummary != *tc.wantNoSummary) {
				t.Errorf("NoSummary = %v, want %v", got.NoSummary, *tc.wantNoSummary)
			}
			if tc.wantThresholdMetric != "" {
				if names := slices.Collect(maps.Keys(got.Thresholds)); !slices.Equal(names, []string{tc.wantThresholdMetric}) {
					t.Errorf("Thresholds for %v, want only %s", names, tc.wantThresholdMetric)
				}
			}
		})
	}
}

func TestApplyLeavesLayersUnchanged(t *testing.T) {
	t.Parallel()
	script := mustFromJSON(t, `{"vus":1,"iterations":3,"tags":{"a":"1"}}`)
	flags := mustFromJSON(t, `{"duration":"10s","tags":{"a":"2","b":"2"}}`)
	_ = script.Apply(flags)
	if script.Iterations == nil || *script.Iterations != 3 || script.Duration != nil {
		t.Errorf("script layer changed: iterations %v, duration %v", script.Iterations, script.Duration)
	}
	if !maps.Equal(script.Tags, map[string]string{"a": "1"}) {
		t.Errorf("script tags changed to %v", script.Tags)
	}
	if !maps.Equal(flags.Tags, map[string]string{"a": "2", "b": "2"}) {
		t.Errorf("flag tags changed to %v", flags.Tags)
	}
}

// The usual CLI case end to end: a script with scenarios, `--vus 10 --duration 30s`.
func TestApplyThenResolveFlagsWin(t *testing.T) {
	t.Parallel()
	script := mustFromJSON(t, `{"scenarios":{"browse":{"executor":"per-vu-iterations","vus":2,"iterations":5}}}`)
	flags := mustFromJSON(t, `{"vus":10,"duration":"30s"}`)
	got, err := script.Apply(flags).Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if names := got.ScenarioNames(); !slices.Equal(names, []string{"default"}) {
		t.Fatalf("scenarios %v, want only default", names)
	}
	s := got.Scenarios["default"]
	if s.Executor != options.ConstantVUs || *s.VUs != 10 || s.Duration.D() != 30*time.Second {
		t.Errorf("default = %s vus=%d duration=%v, want constant-vus 10 VUs 30s", s.Executor, *s.VUs, s.Duration)
	}
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
