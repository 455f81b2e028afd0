package k6utilsmod_test

import (
	"strconv"
	"strings"
	"testing"
)

// The stage helpers find the running stage of the current scenario from
// exec.test.options and exec.scenario.startTime, and tag the VU through exec.vu.tags, as
// k6-utils documents. k6/execution is faked here with a require() of the test's.
func TestStageHelpers(t *testing.T) {
	vu := newVU(t)
	setup := `globalThis.fakeExec = {
		scenario: { name: 'load', startTime: 0 },
		test: { options: { scenarios: {
			load: { executor: 'ramping-vus', stages: [
				{ duration: '10s', target: 5 }, { duration: '1m', target: 5 }, { duration: '5s', target: 1 }] },
			flat: { executor: 'constant-vus' } } } },
		vu: { tags: {} },
	};
	globalThis.require = (name) => { if (name !== 'k6/execution') throw new Error('unexpected require ' + name); return fakeExec; };
	globalThis.at = (ms) => { fakeExec.scenario.startTime = Date.now() - ms; fakeExec.vu.tags = {};
		u.tagWithCurrentStageIndex(); u.tagWithCurrentStageProfile();
		return u.getCurrentStageIndex() + ':' + fakeExec.vu.tags.stage + ':' + fakeExec.vu.tags.stage_profile; };`
	if _, err := vu.Run(setup); err != nil {
		t.Fatal(err)
	}
	// Times are far from the stage boundaries, so a slow machine does not change the stage.
	for ms, want := range map[int]string{
		1000:    "0:0:ramp-up",
		30000:   "1:1:steady",
		72000:   "2:2:ramp-down",
		3600000: "2:2:ramp-down", // past the end: the last stage, as k6-utils does
	} {
		v, err := vu.Run(`at(` + strconv.Itoa(ms) + `)`)
		if err != nil {
			t.Fatalf("at %d ms: %v", ms, err)
		}
		if v.String() != want {
			t.Errorf("at %d ms: index:stage:profile = %s, want %s", ms, v, want)
		}
	}
	for expr, want := range map[string]string{
		`fakeExec.scenario.name = 'flat'; u.getCurrentStageIndex()`:                                                                       `getCurrentStageIndex(): scenario "flat" uses the constant-vus executor; only ramping-vus and ramping-arrival-rate have stages`,
		`fakeExec.scenario.name = 'nope'; u.getCurrentStageIndex()`:                                                                       `getCurrentStageIndex(): exec.test.options has no scenario "nope"`,
		`fakeExec.scenario.name = 'load'; fakeExec.test.options.scenarios.load.stages[0].duration = 'soon'; u.tagWithCurrentStageIndex()`: `tagWithCurrentStageIndex(): stage 0's duration: "soon" is not a duration`,
	} {
		_, err := vu.Run(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", expr, err, want)
		}
	}
}
