package options_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func mustResolve(t *testing.T, s string) options.Options {
	t.Helper()
	o, err := mustFromJSON(t, s).Resolve()
	if err != nil {
		t.Fatalf("Resolve(%s): %v", s, err)
	}
	return o
}

func i64p(v int64) *int64 { return &v }

func durp(d time.Duration) *options.Duration { x := options.Duration(d); return &x }

// want is a scenario with the fields a test cares about; nil pointers are "must be unset".
func checkScenario(t *testing.T, got, want options.Scenario) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scenario =\n  %s\nwant\n  %s", jsonString(t, got), jsonString(t, want))
	}
}

func TestResolveShortcuts(t *testing.T) {
	t.Parallel()
	stages := []options.Stage{
		{Duration: options.Duration(10 * time.Second), Target: 5},
		{Duration: options.Duration(20 * time.Second), Target: 0},
	}
	const stagesJSON = `[{"duration":"10s","target":5},{"duration":"20s","target":0}]`
	common := func(s options.Scenario) options.Scenario {
		s.GracefulStop = durp(30 * time.Second)
		s.Exec = "default"
		return s
	}
	tests := []struct {
		name string
		in   string
		want options.Scenario
	}{
		// k6's default: per-vu-iterations, not shared-iterations (its name shows in the summary).
		{"nothing is one VU running one iteration", `{}`, common(options.Scenario{
			Executor: options.PerVUIterations, VUs: i64p(1), Iterations: i64p(1), MaxDuration: durp(10 * time.Minute),
		})},
		{"vus alone is shared-iterations of vus iterations", `{"vus":4}`, common(options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(4), Iterations: i64p(4), MaxDuration: durp(10 * time.Minute),
		})},
		{"empty stages are no shortcut", `{"stages":[]}`, common(options.Scenario{
			Executor: options.PerVUIterations, VUs: i64p(1), Iterations: i64p(1), MaxDuration: durp(10 * time.Minute),
		})},
		{"iterations is shared-iterations", `{"vus":2,"iterations":10}`, common(options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(2), Iterations: i64p(10), MaxDuration: durp(10 * time.Minute),
		})},
		{"iterations alone uses one VU", `{"iterations":3}`, common(options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(1), Iterations: i64p(3), MaxDuration: durp(10 * time.Minute),
		})},
		{"duration is constant-vus", `{"vus":5,"duration":"30s"}`, common(options.Scenario{
			Executor: options.ConstantVUs, VUs: i64p(5), Duration: durp(30 * time.Second),
		})},
		{"duration alone uses one VU", `{"duration":"1m"}`, common(options.Scenario{
			Executor: options.ConstantVUs, VUs: i64p(1), Duration: durp(time.Minute),
		})},
		{"stages is ramping-vus from one VU", `{"stages":` + stagesJSON + `}`, common(options.Scenario{
			Executor: options.RampingVUs, StartVUs: i64p(1), Stages: stages, GracefulRampDown: durp(30 * time.Second),
		})},
		{"stages start from vus", `{"vus":3,"stages":` + stagesJSON + `}`, common(options.Scenario{
			Executor: options.RampingVUs, StartVUs: i64p(3), Stages: stages, GracefulRampDown: durp(30 * time.Second),
		})},
		{"iterations and duration is shared-iterations capped by maxDuration", `{"vus":2,"iterations":50,"duration":"20s"}`, common(options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(2), Iterations: i64p(50), MaxDuration: durp(20 * time.Second),
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := mustResolve(t, tc.in)
			if names := o.ScenarioNames(); !slices.Equal(names, []string{"default"}) {
				t.Fatalf("scenarios %v, want [default]", names)
			}
			checkScenario(t, o.Scenarios["default"], tc.want)
		})
	}
}

// `--vus 10` alone must give a valid scenario with ten VUs, not a validation error.
func TestResolveVUsAlone(t *testing.T) {
	t.Parallel()
	s := mustResolve(t, `{"vus":10}`).Scenarios["default"]
	if s.Executor != options.SharedIterations || *s.VUs != 10 || *s.Iterations < 10 {
		t.Errorf("got %s vus=%d iterations=%d, want shared-iterations with 10 VUs and at least 10 iterations",
			s.Executor, *s.VUs, *s.Iterations)
	}
}

func TestResolveScenarioDefaults(t *testing.T) {
	t.Parallel()
	stage := []options.Stage{{Duration: options.Duration(time.Minute), Target: 10}}
	common := func(s options.Scenario) options.Scenario {
		if s.GracefulStop == nil {
			s.GracefulStop = durp(30 * time.Second)
		}
		if s.Exec == "" {
			s.Exec = "default"
		}
		return s
	}
	tests := []struct {
		name string
		in   string
		want options.Scenario
	}{
		{"shared-iterations", `{"executor":"shared-iterations"}`, common(options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(1), Iterations: i64p(1), MaxDuration: durp(10 * time.Minute)})},
		{"per-vu-iterations", `{"executor":"per-vu-iterations","vus":4}`, common(options.Scenario{
			Executor: options.PerVUIterations, VUs: i64p(4), Iterations: i64p(1), MaxDuration: durp(10 * time.Minute)})},
		{"constant-vus", `{"executor":"constant-vus","duration":"1m"}`, common(options.Scenario{
			Executor: options.ConstantVUs, VUs: i64p(1), Duration: durp(time.Minute)})},
		{"ramping-vus", `{"executor":"ramping-vus","stages":[{"duration":"1m","target":10}]}`, common(options.Scenario{
			Executor: options.RampingVUs, StartVUs: i64p(1), Stages: stage, GracefulRampDown: durp(30 * time.Second)})},
		{"constant-arrival-rate", `{"executor":"constant-arrival-rate","rate":10,"duration":"1m","preAllocatedVUs":5}`, common(options.Scenario{
			Executor: options.ConstantArrivalRate, Rate: i64p(10), Duration: durp(time.Minute), TimeUnit: durp(time.Second),
			PreAllocatedVUs: i64p(5), MaxVUs: i64p(5)})},
		{"ramping-arrival-rate", `{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":10}],"preAllocatedVUs":2}`, common(options.Scenario{
			Executor: options.RampingArrivalRate, StartRate: i64p(0), Stages: stage, TimeUnit: durp(time.Second),
			PreAllocatedVUs: i64p(2), MaxVUs: i64p(2)})},
		{"externally-controlled", `{"executor":"externally-controlled","vus":2,"duration":"1m"}`, common(options.Scenario{
			Executor: options.ExternallyControlled, VUs: i64p(2), MaxVUs: i64p(2), Duration: durp(time.Minute)})},
		{"explicit values are kept", `{"executor":"constant-arrival-rate","rate":3,"timeUnit":"1m","duration":"2m",
			"preAllocatedVUs":1,"maxVUs":9,"gracefulStop":"5s","exec":"browse","startTime":"10s",
			"env":{"K":"v"},"tags":{"t":"1"}}`, options.Scenario{
			Executor: options.ConstantArrivalRate, Rate: i64p(3), TimeUnit: durp(time.Minute), Duration: durp(2 * time.Minute),
			PreAllocatedVUs: i64p(1), MaxVUs: i64p(9), GracefulStop: durp(5 * time.Second), Exec: "browse",
			StartTime: options.Duration(10 * time.Second), Env: map[string]string{"K": "v"}, Tags: map[string]string{"t": "1"}}},
		{"explicit gracefulStop of zero is kept", `{"executor":"shared-iterations","gracefulStop":"0s","maxDuration":"1m"}`, options.Scenario{
			Executor: options.SharedIterations, VUs: i64p(1), Iterations: i64p(1), MaxDuration: durp(time.Minute),
			GracefulStop: durp(0), Exec: "default"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := mustResolve(t, `{"scenarios":{"s":`+tc.in+`}}`)
			checkScenario(t, o.Scenarios["s"], tc.want)
		})
	}
}

func TestResolveRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		// named must all appear in the message.
		named []string
	}{
		{"unknown executor", `{"scenarios":{"s1":{"executor":"constant-users"}}}`,
			[]string{`"s1"`, `"constant-users"`}},
		{"missing executor", `{"scenarios":{"s1":{"vus":1}}}`,
			[]string{`"s1"`, `"executor"`}},
		{"constant-vus does not take iterations", `{"scenarios":{"s1":{"executor":"constant-vus","duration":"1s","iterations":3}}}`,
			[]string{`"s1"`, `"iterations"`, "constant-vus"}},
		{"shared-iterations does not take duration", `{"scenarios":{"s1":{"executor":"shared-iterations","duration":"1s"}}}`,
			[]string{`"s1"`, `"duration"`, "shared-iterations"}},
		{"ramping-vus does not take vus", `{"scenarios":{"s1":{"executor":"ramping-vus","vus":3,"stages":[{"duration":"1s","target":1}]}}}`,
			[]string{`"s1"`, `"vus"`, "ramping-vus"}},
		{"ramping-arrival-rate does not take rate", `{"scenarios":{"s1":{"executor":"ramping-arrival-rate","rate":3,"preAllocatedVUs":1,"stages":[{"duration":"1s","target":1}]}}}`,
			[]string{`"s1"`, `"rate"`}},
		{"constant-vus needs duration", `{"scenarios":{"s1":{"executor":"constant-vus","vus":2}}}`,
			[]string{`"s1"`, `"duration"`}},
		{"ramping-vus needs stages", `{"scenarios":{"s1":{"executor":"ramping-vus"}}}`,
			[]string{`"s1"`, `"stages"`}},
		{"constant-arrival-rate needs rate, duration, preAllocatedVUs", `{"scenarios":{"s1":{"executor":"constant-arrival-rate"}}}`,
			[]string{`"s1"`, `"rate"`, `"duration"`, `"preAllocatedVUs"`}},
		{"ramping-arrival-rate needs stages and preAllocatedVUs", `{"scenarios":{"s1":{"executor":"ramping-arrival-rate"}}}`,
			[]string{`"s1"`, `"stages"`, `"preAllocatedVUs"`}},
		{"maxVUs below preAllocatedVUs", `{"scenarios":{"s1":{"executor":"constant-arrival-rate","rate":1,"duration":"1s","preAllocatedVUs":5,"maxVUs":2}}}`,
			[]string{`"s1"`, `"maxVUs"`, "2", "5"}},
		{"rate zero", `{"scenarios":{"s1":{"executor":"constant-arrival-rate","rate":0,"duration":"1s","preAllocatedVUs":1}}}`,
			[]string{`"s1"`, `"rate"`}},
		{"iterations below vus", `{"scenarios":{"s1":{"executor":"shared-iterations","vus":10,"iterations":3}}}`,
			[]string{`"s1"`, `"iterations"`, "3", "10"}},
		{"zero vus", `{"scenarios":{"s1":{"executor":"per-vu-iterations","vus":0}}}`,
			[]string{`"s1"`, `"vus"`}},
		{"negative stage target", `{"scenarios":{"s1":{"executor":"ramping-vus","stages":[{"duration":"1s","target":-2}]}}}`,
			[]string{`"s1"`, `"stages"`, "-2"}},
		{"empty tag name", `{"scenarios":{"s1":{"executor":"shared-iterations","tags":{"":"v"}}}}`,
			[]string{`"s1"`, `"tags"`}},
		{"bad scenario name", `{"scenarios":{"my scenario":{"executor":"shared-iterations"}}}`,
			[]string{`"my scenario"`}},
		{"negative vus shortcut", `{"vus":-1}`,
			[]string{`"vus"`, "-1"}},
		{"iterations shortcut below vus", `{"vus":5,"iterations":2}`,
			[]string{`"iterations"`, "2", "5"}},
		{"scenarios and duration", `{"duration":"1m","scenarios":{"s1":{"executor":"shared-iterations"}}}`,
			[]string{`"scenarios"`, `"duration"`}},
		{"scenarios and iterations", `{"iterations":3,"scenarios":{"s1":{"executor":"shared-iterations"}}}`,
			[]string{`"scenarios"`, `"iterations"`}},
		{"scenarios and stages", `{"stages":[{"duration":"1s","target":1}],"scenarios":{"s1":{"executor":"shared-iterations"}}}`,
			[]string{`"scenarios"`, `"stages"`}},
		{"summaryTrendStats p(101)", `{"summaryTrendStats":["avg","p(101)"]}`,
			[]string{`"summaryTrendStats"`, "p(101)"}},
		{"summaryTrendStats p(x)", `{"summaryTrendStats":["p(x)"]}`,
			[]string{`"summaryTrendStats"`, "p(x)"}},
		{"summaryTrendStats unknown word", `{"summaryTrendStats":["foo"]}`,
			[]string{`"summaryTrendStats"`, "foo"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := mustFromJSON(t, tc.in).Resolve()
			if err == nil {
				t.Fatalf("Resolve(%s) succeeded, want an error", tc.in)
			}
			if !errors.Is(err, options.ErrInvalid) {
				t.Errorf("error is not ErrInvalid: %v", err)
			}
			for _, n := range tc.named {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error does not name %s:\n%v", n, err)
				}
			}
		})
	}
}

// Validation reports every problem in one go, so a user fixes a script in one round trip.
func TestResolveReportsEveryProblem(t *testing.T) {
	t.Parallel()
	o := mustFromJSON(t, `{
		"vus": -3,
		"scenarios": {
			"reads":  {"executor": "constant-vus", "iterations": 5},
			"writes": {"executor": "warp-speed"},
			"ok":     {"executor": "shared-iterations"},
			"ramp":   {"executor": "ramping-arrival-rate", "stages": [{"duration": "1s", "target": 1}]}
		},
		"summaryTrendStats": ["p(101)", "avg", "mean"]
	}`)
	_, err := o.Resolve()
	if !errors.Is(err, options.ErrInvalid) {
		t.Fatalf("Resolve() = %v, want ErrInvalid", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`option "vus": -3`,
		`scenario "reads", option "iterations"`,
		`scenario "reads", option "duration"`,
		`scenario "writes", option "executor": "warp-speed"`,
		`scenario "ramp", option "preAllocatedVUs"`,
		`"p(101)"`,
		`"mean"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `scenario "ok"`) {
		t.Errorf("the valid scenario is blamed:\n%s", msg)
	}
	if strings.Contains(msg, `"avg"`) {
		t.Errorf("a valid trend stat is blamed:\n%s", msg)
	}
}

func TestResolveAllExecutorsValid(t *testing.T) {
	t.Parallel()
	o := mustResolve(t, `{"scenarios":{
		"a":{"executor":"shared-iterations","vus":2,"iterations":4,"maxDuration":"30s"},
		"b":{"executor":"per-vu-iterations","vus":2,"iterations":1},
		"c":{"executor":"constant-vus","vus":3,"duration":"10s"},
		"d":{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"5s","target":3}],"gracefulRampDown":"0s"},
		"e":{"executor":"constant-arrival-rate","rate":5,"timeUnit":"1s","duration":"10s","preAllocatedVUs":2,"maxVUs":4},
		"f":{"executor":"ramping-arrival-rate","startRate":1,"timeUnit":"1s","preAllocatedVUs":2,"maxVUs":4,"stages":[{"duration":"5s","target":3}]},
		"g":{"executor":"externally-controlled","vus":1,"maxVUs":3,"duration":"1m"}
	},"summaryTrendStats":["avg","min","med","max","count","sum","p(0)","p(99.9)","p(100)"]}`)
	if got := o.ScenarioNames(); !slices.Equal(got, []string{"a", "b", "c", "d", "e", "f", "g"}) {
		t.Errorf("ScenarioNames = %v", got)
	}
}

func TestResolveLeavesInputUnchanged(t *testing.T) {
	t.Parallel()
	in := mustFromJSON(t, `{"scenarios":{"s":{"executor":"shared-iterations"}}}`)
	if _, err := in.Resolve(); err != nil {
		t.Fatal(err)
	}
	s := in.Scenarios["s"]
	if s.GracefulStop != nil || s.Exec != "" || s.VUs != nil {
		t.Errorf("Resolve filled defaults into its input: %s", jsonString(t, s))
	}
}

// Resolve only reads its receiver, so one Options may be resolved from several goroutines
// (go test -race checks it).
func TestResolveConcurrently(t *testing.T) {
	t.Parallel()
	in := mustFromJSON(t, `{"scenarios":{"a":{"executor":"shared-iterations"},"b":{"executor":"constant-vus","duration":"1s"}}}`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := in.Resolve(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestScenarioNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"by name when starting together", `{"scenarios":{
			"c":{"executor":"shared-iterations"},"a":{"executor":"shared-iterations"},"b":{"executor":"shared-iterations"}}}`,
			[]string{"a", "b", "c"}},
		{"by start time first", `{"scenarios":{
			"a":{"executor":"shared-iterations","startTime":"1m"},
			"b":{"executor":"shared-iterations","startTime":"0s"},
			"c":{"executor":"shared-iterations","startTime":"30s"},
			"d":{"executor":"shared-iterations"}}}`,
			[]string{"b", "d", "c", "a"}},
		{"shortcut is default", `{"iterations":1}`, []string{"default"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := mustResolve(t, tc.in)
			for range 5 { // map order must not leak into the result
				if got := o.ScenarioNames(); !slices.Equal(got, tc.want) {
					t.Fatalf("ScenarioNames = %v, want %v", got, tc.want)
				}
			}
		})
	}
	if got := (options.Options{}).ScenarioNames(); len(got) != 0 {
		t.Errorf("no scenarios gives %v", got)
	}
}

func TestPeakVUs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want int64
	}{
		{"shared-iterations", `{"executor":"shared-iterations","vus":5,"iterations":10}`, 5},
		{"per-vu-iterations", `{"executor":"per-vu-iterations","vus":3}`, 3},
		{"constant-vus", `{"executor":"constant-vus","vus":7,"duration":"1s"}`, 7},
		{"ramping-vus peaks in a stage", `{"executor":"ramping-vus","startVUs":2,"stages":[
			{"duration":"1s","target":10},{"duration":"1s","target":3}]}`, 10},
		{"ramping-vus peaks at start", `{"executor":"ramping-vus","startVUs":20,"stages":[{"duration":"1s","target":5}]}`, 20},
		{"constant-arrival-rate uses maxVUs", `{"executor":"constant-arrival-rate","rate":1,"duration":"1s","preAllocatedVUs":5,"maxVUs":50}`, 50},
		{"constant-arrival-rate without maxVUs", `{"executor":"constant-arrival-rate","rate":1,"duration":"1s","preAllocatedVUs":5}`, 5},
		{"ramping-arrival-rate uses maxVUs", `{"executor":"ramping-arrival-rate","preAllocatedVUs":1,"maxVUs":4,"stages":[{"duration":"1s","target":1}]}`, 4},
		{"externally-controlled uses maxVUs", `{"executor":"externally-controlled","vus":2,"maxVUs":8,"duration":"1s"}`, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustResolve(t, `{"scenarios":{"s":`+tc.in+`}}`).Scenarios["s"]
			if got := s.PeakVUs(); got != tc.want {
				t.Errorf("PeakVUs = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestMaxTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"shared-iterations defaults: 10m + 30s", `{"executor":"shared-iterations"}`, 10*time.Minute + 30*time.Second},
		{"maxDuration, no graceful stop", `{"executor":"per-vu-iterations","maxDuration":"1m","gracefulStop":"0s"}`, time.Minute},
		{"constant-vus duration + gracefulStop", `{"executor":"constant-vus","duration":"30s"}`, time.Minute},
		{"ramping-vus stages + gracefulRampDown + gracefulStop", `{"executor":"ramping-vus","gracefulRampDown":"5s","gracefulStop":"0s",
			"stages":[{"duration":"10s","target":2},{"duration":"20s","target":0}]}`, 35 * time.Second},
		{"ramping-vus defaults", `{"executor":"ramping-vus","stages":[{"duration":"1m","target":1}]}`, 2 * time.Minute},
		{"constant-arrival-rate", `{"executor":"constant-arrival-rate","rate":1,"duration":"1m","preAllocatedVUs":1,"gracefulStop":"10s"}`,
			70 * time.Second},
		{"ramping-arrival-rate", `{"executor":"ramping-arrival-rate","preAllocatedVUs":1,"stages":[{"duration":"1m","target":1},{"duration":"30s","target":0}]}`,
			2 * time.Minute},
		{"externally-controlled", `{"executor":"externally-controlled","duration":"5m","gracefulStop":"1s"}`, 5*time.Minute + time.Second},
		{"startTime is not included", `{"executor":"constant-vus","duration":"30s","startTime":"1h"}`, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustResolve(t, `{"scenarios":{"s":`+tc.in+`}}`).Scenarios["s"]
			if got := s.MaxTime(); got != tc.want {
				t.Errorf("MaxTime = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMaxConcurrentVUsSharesVUsBetweenScenariosThatCannotOverlap(t *testing.T) {
	sc := func(exec string, vus int64, start, dur, grace time.Duration) options.Scenario {
		d, st, g := options.Duration(dur), options.Duration(start), options.Duration(grace)
		return options.Scenario{Executor: exec, VUs: &vus, Duration: &d, StartTime: st, GracefulStop: &g}
	}
	cases := []struct {
		name string
		sc   map[string]options.Scenario
		want int64
	}{
		{"one", map[string]options.Scenario{"a": sc(options.ConstantVUs, 5, 0, 10*time.Second, 0)}, 5},
		{"side by side", map[string]options.Scenario{"a": sc(options.ConstantVUs, 5, 0, 10*time.Second, 0), "b": sc(options.ConstantVUs, 3, 0, 10*time.Second, 0)}, 8},
		{"one after the other", map[string]options.Scenario{"a": sc(options.ConstantVUs, 5, 0, 10*time.Second, 0), "b": sc(options.ConstantVUs, 3, 10*time.Second, 10*time.Second, 0)}, 5},
		{"graceful stop keeps the first one's VUs", map[string]options.Scenario{"a": sc(options.ConstantVUs, 5, 0, 10*time.Second, 5*time.Second), "b": sc(options.ConstantVUs, 3, 12*time.Second, time.Second, 0)}, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := (options.Options{Scenarios: c.sc}).MaxConcurrentVUs(); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
}

// k6 refuses a zero duration shortcut and two shortcuts that each pick an executor.
func TestResolveShortcutConflicts(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"duration":"0s"}`: `"duration": 0s must be more than 0`,
		`{"iterations":3,"stages":[{"duration":"1s","target":1}]}`:  `"iterations" and "stages" are both set`,
		`{"duration":"5s","stages":[{"duration":"1s","target":1}]}`: `"duration" and "stages" are both set`,
	} {
		o, err := options.FromJSON([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Resolve(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", in, err, want)
		}
	}
}
