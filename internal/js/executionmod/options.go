package executionmod

import (
	"encoding/json"
	"fmt"

	"github.com/grafana/sobek"
)

// k6's defaults for what a scenario leaves out, by executor, as exec.test.options shows
// them: k6 fills every executor field in, so scripts can read e.g. scenarios.x.vus without
// knowing whether the user wrote it.
var scenarioDefaults = map[string]map[string]any{
	"shared-iterations":     {"vus": 1, "iterations": 1, "maxDuration": "10m0s"},
	"per-vu-iterations":     {"vus": 1, "iterations": 1, "maxDuration": "10m0s"},
	"constant-vus":          {"vus": 1},
	"ramping-vus":           {"startVUs": 1, "gracefulRampDown": "30s"},
	"constant-arrival-rate": {"timeUnit": "1s"},
	"ramping-arrival-rate":  {"startRate": 0, "timeUnit": "1s"},
	"externally-controlled": {"vus": 1},
}

// commonScenarioDefaults are the fields every executor has.
var commonScenarioDefaults = map[string]any{"startTime": "0s", "gracefulStop": "30s", "exec": "default"}

// k6's summaryTrendStats default.
var defaultTrendStats = []any{"avg", "min", "med", "max", "p(90)", "p(95)"}

// optionsShape turns the run's resolved options (JSON) into what k6 shows as
// exec.test.options: the consolidated options, with the shortcuts (vus, iterations,
// duration, stages) folded into scenarios and so left out, every scenario's fields filled
// in, and the options k6 always lists present (null when unset).
func optionsShape(raw []byte) (map[string]any, error) {
	var o map[string]any
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("exec.test.options: the run's options cannot be read: %w", err)
	}
	if o == nil {
		o = map[string]any{}
	}
	for _, k := range []string{"vus", "iterations", "duration", "stages"} {
		delete(o, k)
	}
	if sc, ok := o["scenarios"].(map[string]any); ok {
		for _, v := range sc {
			s, ok := v.(map[string]any)
			if !ok {
				continue
			}
			ex, _ := s["executor"].(string)
			for k, d := range scenarioDefaults[ex] {
				if _, set := s[k]; !set {
					s[k] = d
				}
			}
			for k, d := range commonScenarioDefaults {
				if _, set := s[k]; !set {
					s[k] = d
				}
			}
		}
	}
	if _, ok := o["summaryTrendStats"]; !ok {
		o["summaryTrendStats"] = defaultTrendStats
	}
	for _, k := range []string{"thresholds", "tags"} {
		if _, ok := o[k]; !ok {
			o[k] = map[string]any{}
		}
	}
	// Listed by k6 even when not set.
	for _, k := range []string{"consoleOutput", "localIPs", "summaryTimeUnit", "setupTimeout", "teardownTimeout", "systemTags",
		"executionSegment", "executionSegmentSequence"} {
		if _, ok := o[k]; !ok {
			o[k] = nil
		}
	}
	return o, nil
}

// optionsObject is optionsShape as a deeply frozen JS object: as in k6, a script cannot
// change the options by writing to it.
func optionsObject(rt *sobek.Runtime, raw []byte) (*sobek.Object, error) {
	o, err := optionsShape(raw)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("exec.test.options: %w", err)
	}
	// JSON.parse makes plain JS objects and arrays (not Go-backed ones), which freeze.
	parse, _ := sobek.AssertFunction(rt.GlobalObject().Get("JSON").ToObject(rt).Get("parse"))
	v, err := parse(sobek.Undefined(), rt.ToValue(string(b)))
	if err != nil {
		return nil, err
	}
	freeze, _ := sobek.AssertFunction(rt.GlobalObject().Get("Object").ToObject(rt).Get("freeze"))
	var deepFreeze func(v sobek.Value) error
	deepFreeze = func(v sobek.Value) error {
		obj, ok := v.(*sobek.Object)
		if !ok {
			return nil
		}
		for _, k := range obj.Keys() {
			if err := deepFreeze(obj.Get(k)); err != nil {
				return err
			}
		}
		_, err := freeze(sobek.Undefined(), obj)
		return err
	}
	if err := deepFreeze(v); err != nil {
		return nil, err
	}
	return v.ToObject(rt), nil
}
