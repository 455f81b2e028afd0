package k6utilsmod

import (
	"fmt"
	"sync"

	"github.com/grafana/sobek"
)

// stageHelpers builds k6-utils' stage functions (getCurrentStageIndex,
// tagWithCurrentStageIndex, tagWithCurrentStageProfile) from k6/execution, as the library
// does: the current scenario's stages come from exec.test.options and the time into them
// from exec.scenario.startTime. k6/execution is required on each call, not at import, so
// importing k6-utils in init code works as before. Written in JS because it only reads and
// writes what k6/execution already exposes to scripts.
const stageHelpers = `(function (require) {
	const units = { h: 3600000, m: 60000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
	function durationMs(d, where) {
		if (typeof d === 'number' && isFinite(d)) return d;
		const s = String(d);
		const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
		let total = 0, seen = '', m;
		while ((m = re.exec(s)) !== null) { total += parseFloat(m[1]) * units[m[2]]; seen += m[0]; }
		if (seen === '' || seen !== s) throw new Error(where + ': ' + JSON.stringify(s) + ' is not a duration such as "30s" or "1m30s"');
		return total;
	}
	function stages(fn) {
		const exec = require('k6/execution');
		const name = exec.scenario.name;
		if (!name) throw new Error(fn + '() can only be called while a scenario runs (in the default function or a scenario\'s exec function)');
		const scenarios = (exec.test.options && exec.test.options.scenarios) || {};
		const scenario = scenarios[name];
		if (!scenario) throw new Error(fn + '(): exec.test.options has no scenario ' + JSON.stringify(name));
		if (scenario.stages == null) {
			throw new Error(fn + '(): scenario ' + JSON.stringify(name) + ' uses the ' + scenario.executor + ' executor; only ramping-vus and ramping-arrival-rate have stages');
		}
		if (scenario.stages.length < 1) throw new Error(fn + '(): scenario ' + JSON.stringify(name) + ' has no stages');
		return { exec, list: scenario.stages };
	}
	function indexOf(fn) {
		const s = stages(fn);
		const elapsed = Date.now() - Number(s.exec.scenario.startTime);
		let end = 0;
		for (let i = 0; i < s.list.length; i++) {
			end += durationMs(s.list[i].duration, fn + '(): stage ' + i + "'s duration");
			if (elapsed < end) return { i, s };
		}
		return { i: s.list.length - 1, s };
	}
	function getCurrentStageIndex() { return indexOf('getCurrentStageIndex').i; }
	function tagWithCurrentStageIndex() {
		const r = indexOf('tagWithCurrentStageIndex');
		r.s.exec.vu.tags['stage'] = String(r.i);
	}
	function tagWithCurrentStageProfile() {
		const r = indexOf('tagWithCurrentStageProfile');
		let profile = 'ramp-up';
		if (r.i > 0) {
			const cur = r.s.list[r.i].target, prev = r.s.list[r.i - 1].target;
			profile = cur > prev ? 'ramp-up' : cur === prev ? 'steady' : 'ramp-down';
		}
		r.s.exec.vu.tags['stage_profile'] = profile;
	}
	return { getCurrentStageIndex, tagWithCurrentStageIndex, tagWithCurrentStageProfile };
})`

// stagesProgram is compiled once per process and run in each VU's runtime.
var stagesProgram = sync.OnceValues(func() (*sobek.Program, error) {
	return sobek.Compile("k6-utils-stages.js", stageHelpers, true)
})

// addStageHelpers puts the stage functions into named. They call the runtime's global
// require, which the host defines for every VU.
func addStageHelpers(rt *sobek.Runtime, named map[string]any) error {
	prg, err := stagesProgram()
	if err != nil {
		return fmt.Errorf("k6-utils: compiling the stage helpers: %w", err)
	}
	v, err := rt.RunProgram(prg)
	if err != nil {
		return fmt.Errorf("k6-utils: building the stage helpers: %w", err)
	}
	fn, ok := sobek.AssertFunction(v)
	if !ok {
		return fmt.Errorf("k6-utils: the stage helpers are not a function")
	}
	req := rt.ToValue(func(call sobek.FunctionCall) sobek.Value {
		r, ok := sobek.AssertFunction(rt.Get("require"))
		if !ok {
			panic(rt.NewTypeError("k6-utils: the stage helpers need k6/execution, and this runtime has no require()"))
		}
		out, err := r(sobek.Undefined(), call.Arguments...)
		if err != nil {
			panic(err)
		}
		return out
	})
	obj, err := fn(sobek.Undefined(), req)
	if err != nil {
		return fmt.Errorf("k6-utils: building the stage helpers: %w", err)
	}
	o := obj.ToObject(rt)
	for _, k := range o.Keys() {
		named[k] = o.Get(k)
	}
	return nil
}
