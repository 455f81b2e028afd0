package cmd

import (
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// exec.test.fail() lets the run go to its end (every iteration, teardown, the summary), then
// exits 110 with k6's message; it decides the exit code before failed thresholds, as in k6.
func TestTestFailExits110AfterTheRunCompletes(t *testing.T) {
	src := `import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const after = new Counter('after_fail');
export const options = { vus: 1, iterations: 4, thresholds: { after_fail: ['count>100'] } };
export default function () {
  if (exec.vu.iterationInInstance === 0) exec.test.fail('bad data seen');
  after.add(1); // the iteration goes on after fail()
}
export function teardown() { console.log('teardown ran'); }`
	r := runScript(t, src, nil)
	if r.code != ExitMarkedAsFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", r.code, ExitMarkedAsFailed, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "test marked as failed: bad data seen") || !strings.Contains(r.stderr, "teardown ran") {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 4 {
		t.Errorf("iterations = %d, want 4 (the run goes on after fail())", n)
	}
	if n := summaryCount(t, r.stdout, "after_fail"); n != 4 {
		t.Errorf("after_fail = %d, want 4 (the iteration goes on after fail())", n)
	}
}

// What a script sets in exec.vu.tags lands on every sample the VU emits afterwards (checks,
// custom metrics, iterations), so thresholds on metric{tag:value} see it; values of other
// types are refused with a warning; metadata is not a tag.
func TestVUTagsReachSamplesAndThresholds(t *testing.T) {
	src := `import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
const c = new Counter('tagged_calls');
export const options = { vus: 1, iterations: 3, thresholds: {
  'tagged_calls{step:login}': ['count==3'],
  'tagged_calls{step:before}': ['count==3'],
  'checks{step:login}': ['rate==1'],
  'iterations{step:login}': ['count==3'],
  'iteration_duration{step:login}': ['max>=0'],
  'tagged_calls{trace_id:abc}': ['count==0'],
  'tagged_calls{flag:true}': ['count==3'],
  'tagged_calls{obj:[object Object]}': ['count==0'],
} };
export default function () {
  delete exec.vu.tags.step; delete exec.vu.tags.flag;
  c.add(1, { step: 'before' });
  exec.vu.tags.step = 'login';
  exec.vu.tags.flag = true;
  exec.vu.tags.obj = { a: 1 };          // not a string, number or boolean: warned and ignored
  exec.vu.metrics.metadata.trace_id = 'abc';
  check(exec.vu.tags, {
    'reads back': (t) => t.step === 'login' && t.flag === 'true' && t.obj === undefined,
    'scenario tag': (t) => t.scenario === 'default',
    'keys': (t) => Object.keys(t).includes('step') && 'step' in t,
    'metrics.tags is the same': () => exec.vu.metrics.tags.step === 'login',
    'metadata reads back': () => exec.vu.metrics.metadata.trace_id === 'abc',
  });
  c.add(1);
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "invalid value for metric tag 'obj'") {
		t.Errorf("no warning about the object tag value:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "0.00% 0 out of 15") {
		t.Errorf("want 15 passing checks:\n%s", r.stdout)
	}
}

// The neo4j module's query metrics carry the VU's tags too.
func TestVUTagsReachQueryMetrics(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	src := `import exec from 'k6/execution';
import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
export const options = { vus: 1, iterations: 2, thresholds: {
  'neo4j_queries{step:lookup}': ['count==2'],
  'neo4j_query_duration{step:lookup}': ['max>0'],
} };
export default function () {
  exec.vu.tags.step = 'lookup';
  db.read('RETURN 1 AS one');
}`
	r := runScript(t, src, neo4jEnv(srv))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// exec.test.options has k6's shape: the shortcuts folded into scenarios whose fields are
// filled in, k6's defaults for the summary, and a frozen object.
func TestTestOptionsShape(t *testing.T) {
	src := `'use strict';
import exec from 'k6/execution';
import { check } from 'k6';
export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };
export default function () {
  const o = exec.test.options;
  check(o, {
    'no shortcuts': (o) => o.vus === undefined && o.iterations === undefined && o.duration === undefined && o.stages === undefined,
    'default scenario filled in': (o) => { const s = o.scenarios.default;
      return s.executor === 'shared-iterations' && s.iterations === 2 && s.vus === 1 &&
        s.maxDuration === '10m0s' && s.gracefulStop === '30s' && s.exec === 'default' && s.startTime === '0s'; },
    'thresholds as lists of strings': (o) => Array.isArray(o.thresholds.checks) && o.thresholds.checks[0] === 'rate==1',
    'summaryTrendStats default': (o) => o.summaryTrendStats.join(',') === 'avg,min,med,max,p(90),p(95)',
    'unset options are null': (o) => o.consoleOutput === null && o.summaryTimeUnit === null,
    'frozen': (o) => Object.isFrozen(o) && Object.isFrozen(o.scenarios.default),
  });
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "0.00% 0 out of 12") {
		t.Errorf("want 12 passing checks:\n%s", r.stdout)
	}
}

// metric.add() with a value that is not a number warns with k6's message and the iteration
// goes on; a numeric string counts.
func TestMetricAddOfBadValuesWarnsAndGoesOn(t *testing.T) {
	src := `import { Counter } from 'k6/metrics';
const c = new Counter('my_counter');
export const options = { iterations: 1, thresholds: { my_counter: ['count==8'], iteration_failed: ['rate==0'] } };
export default function () {
  c.add(NaN); c.add(undefined); c.add('abc'); c.add(null); c.add({ a: 1 }); c.add();
  c.add('5'); c.add(true); c.add(2);
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"'NaN' is an invalid value for metric 'my_counter', a number or a boolean value is expected",
		"'undefined' is an invalid value for metric 'my_counter'",
		"'abc' is an invalid value for metric 'my_counter'",
		"'null' is an invalid value for metric 'my_counter'",
		"'[object Object]' is an invalid value for metric 'my_counter'",
		"no value was provided for metric 'my_counter', a number or a boolean value is expected",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// Names k6 refuses are refused at init with exit 107 and k6's message.
func TestBadMetricNamesExit107(t *testing.T) {
	for _, name := range []string{"test counter", "x", strings.Repeat("a", 129), "test_counter_#"} {
		t.Run(name[:min(len(name), 20)], func(t *testing.T) {
			src := "import { Counter } from 'k6/metrics';\nnew Counter('" + name + "');\nexport default function () {}\n"
			r := runScript(t, src, nil)
			if r.code != ExitScriptException {
				t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptException, r.stderr)
			}
			want := "Invalid metric name: '" + name + "'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore."
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		})
	}
}

// k6's threshold rules: an empty Rate passes (empty_sink_no_nan.js), a threshold on a k6
// built-in metric this tool never emits is accepted, and a tag value may hold braces.
func TestThresholdsK6Parity(t *testing.T) {
	src := `import { Rate, Trend } from 'k6/metrics';
const unused = new Rate('unused_rate');
const t = new Trend('my_trend');
export const options = { iterations: 1, thresholds: {
  unused_rate: ['rate>0.5', 'rate==1'],
  http_req_duration: ['p(95)<500'],
  http_req_failed: ['rate<0.01'],
  http_reqs: ['count==0'],
  'my_trend{url:{x}}': ['max==7'],
} };
export default function () { t.add(7, { url: '{x}' }); t.add(100, { url: 'x' }); }`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "http_req_duration") {
		t.Errorf("the summary should show http_req_duration's threshold:\n%s", r.stdout)
	}
}

// A tag set inside group() outlives the group, as in k6; the group tag itself ends with it.
func TestVUTagSetInsideAGroupOutlivesIt(t *testing.T) {
	src := `import exec from 'k6/execution';
import { check, group } from 'k6';
export const options = { iterations: 1 };
export default function () {
  group('g', () => { exec.vu.tags.user = 'u1'; });
  check(exec.vu.tags, { 'tag kept, group ended': (t) => t.user === 'u1' && t.group !== '::g' });
}`
	r := runScript(t, src, nil)
	if r.code != ExitOK || !strings.Contains(r.stdout, "0.00% 0 out of 1") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// systemTags keeps only the system tags it lists: a threshold on a switched-off one sees no
// samples. An unknown name is an invalid option.
func TestSystemTagsOption(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	src := `import neo4j from 'k6/x/neo4j';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: 'neo4j', password: __ENV.NEO4J_PASSWORD });
export const options = { iterations: 2, systemTags: ['scenario'], thresholds: {
  'neo4j_queries{status:ok}': ['count==0'],
  'neo4j_queries{scenario:default}': ['count==2'],
  'neo4j_queries{mode:read}': ['count==2'],
} };
export default function () { db.read('RETURN 1'); }`
	r := runScript(t, src, neo4jEnv(srv))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runScript(t, `export const options = { systemTags: ['scenario', 'nope'] };
export default function () {}`, nil)
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, `"nope" is not a system tag`) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
