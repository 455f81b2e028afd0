package executionmod

import (
	"testing"
)

// exec.test.options fills in what k6 fills in, whatever the run's options left out.
func TestOptionsShapeFillsScenarioDefaults(t *testing.T) {
	o, err := optionsShape([]byte(`{"vus":3,"iterations":9,"scenarios":{
		"a":{"executor":"per-vu-iterations","vus":2},
		"b":{"executor":"ramping-vus","stages":[{"duration":"1s","target":2}],"startTime":"5s"},
		"c":{"executor":"constant-arrival-rate","rate":5,"duration":"1s","preAllocatedVUs":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"vus", "iterations", "duration", "stages"} {
		if _, ok := o[k]; ok {
			t.Errorf("shortcut %q is shown; k6 shows only the scenarios", k)
		}
	}
	sc := o["scenarios"].(map[string]any)
	want := map[string]map[string]any{
		"a": {"vus": float64(2), "iterations": 1, "maxDuration": "10m0s", "gracefulStop": "30s", "exec": "default", "startTime": "0s"},
		"b": {"startVUs": 1, "gracefulRampDown": "30s", "startTime": "5s"},
		"c": {"timeUnit": "1s", "rate": float64(5)},
	}
	for name, fields := range want {
		s := sc[name].(map[string]any)
		for k, v := range fields {
			if s[k] != v {
				t.Errorf("scenarios.%s.%s = %#v, want %#v", name, k, s[k], v)
			}
		}
	}
	for _, k := range []string{"consoleOutput", "executionSegment", "executionSegmentSequence"} {
		if v, ok := o[k]; !ok || v != nil {
			t.Errorf("%s = %#v, want null", k, v)
		}
	}
}

func TestOptionsShapeRefusesBrokenJSON(t *testing.T) {
	if _, err := optionsShape([]byte(`{`)); err == nil {
		t.Error("no error for broken JSON")
	}
}
