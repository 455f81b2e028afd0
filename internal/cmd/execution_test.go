package cmd

import (
	"strings"
	"testing"
)

func TestExecutionModuleDescribesTheRun(t *testing.T) {
	src := `import exec from 'k6/execution';
import { check } from 'k6';
export const options = { scenarios: {
  first: { executor: 'per-vu-iterations', vus: 2, iterations: 3, tags: { phase: 'one' } },
  second: { executor: 'shared-iterations', vus: 1, iterations: 4, startTime: '200ms', exec: 'other' },
} };
const seen = {};
export default function () {
  check(exec, {
    'scenario name': (e) => e.scenario.name === 'first',
    'executor': (e) => e.scenario.executor === 'per-vu-iterations',
    'vu id': (e) => e.vu.idInTest === __VU && e.vu.idInInstance === __VU,
    'iteration in scenario counts per VU from 0': (e) => e.vu.iterationInScenario >= 0 && e.vu.iterationInScenario < 3,
    'scenario iteration numbers are unique': (e) => { const n = e.scenario.iterationInTest; const fresh = !seen[n]; seen[n] = true; return fresh && n >= 0 && n < 6; },
    'start time is a timestamp': (e) => e.scenario.startTime > 1600000000000,
    'options visible': (e) => e.test.options.scenarios.first.vus === 2,
    'instance counts': (e) => e.instance.vusInitialized === 3 && e.instance.currentTestRunDuration >= 0,
  });
}
export function other() {
  check(exec, { 'second scenario': (e) => e.scenario.name === 'second' && e.scenario.iterationInTest < 4 });
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "checks_failed") || !strings.Contains(r.stdout, "0.00% 0 out of 52") {
		t.Fatalf("want 52 passing checks (6 x 8 + 4):\n%s", r.stdout)
	}
}

func TestTestAbortExits108AndRunsTeardown(t *testing.T) {
	src := `import exec from 'k6/execution';
import { sleep } from 'k6';
export const options = { vus: 2, duration: '30s' };
export default function () {
  sleep(0.05);
  if (exec.scenario.iterationInTest === 10) {
    try { exec.test.abort('enough data'); } catch (e) { /* a catch must not swallow it */ }
    throw new Error('not reached');
  }
}
export function teardown() { console.log('teardown ran'); }`
	r := runScript(t, src, nil)
	if r.code != ExitScriptAborted {
		t.Fatalf("exit %d, want %d\n%s\n%s", r.code, ExitScriptAborted, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "enough data") || !strings.Contains(r.stderr, "teardown ran") || strings.Contains(r.stderr, "not reached") {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "aborted by the script") {
		t.Fatalf("the summary should say why the run ended:\n%s", r.stdout)
	}
}

func TestTestAbortInInit(t *testing.T) {
	r := runScript(t, `import exec from 'k6/execution'; exec.test.abort('no config'); export default function () {}`, nil)
	if r.code != ExitScriptAborted || !strings.Contains(r.stderr, "no config") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
