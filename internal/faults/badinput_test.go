package faults_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/cmd"
)

// badInput is one bad thing a user can hand the binary, and what must come back.
type badInput struct {
	name   string
	script string            // the script (script.js unless file says otherwise); "" writes none
	file   string            // the script's file name
	extra  map[string]string // other files in the case's folder
	args   []string          // run's flags before the script ({{DIR}}, {{REFUSED}}, {{BLACKHOLE}} expanded)
	argv   []string          // the whole command line instead of run ... script
	env    []string
	server bool // needs the suite's Neo4j (NEO4J_URI points to it; else to a refused port)

	codes     []int    // accepted exit codes
	want      []string // substrings of stdout+stderr
	wantRe    string   // a regexp stdout+stderr must match
	notWant   []string // substrings that must not appear in stdout+stderr
	noOutputs bool     // do not add the default --out json/csv, --report and --summary-export
	secrets   []string // more strings that must appear nowhere
	check     func(t *testing.T, dir string, r result)
}

// exitUsage is what the CLI returns for a command line it cannot parse.
var exitUsage = cmd.ExitUsage

// Exit codes the README documents.
const (
	exitOK        = 0
	exitThreshold = 99
	exitInvalid   = 104
	exitInterrupt = 105
	exitScript    = 107
	exitAborted   = 108
)

// preamble imports what the cases use.
const preamble = "import neo4j from 'k6/x/neo4j';\nimport { check, group, sleep, fail } from 'k6';\n"

// withDB is init code connecting to NEO4J_URI with the suite's password.
const withDB = preamble + "const db = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });\n"

// oneIter makes a script run one iteration.
const oneIter = "export const options = { iterations: 1 };\n"

func badInputs() []badInput {
	return []badInput{
		// ---- issue 9.1: wrong-type passwords must never be echoed ----
		{name: "password as connect's second argument", script: preamble +
			"neo4j.connect('{{REFUSED}}', __ENV.NEO4J_PASSWORD);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connect()"}},
		{name: "password as a number", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: 987654321987 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}, secrets: []string{"987654321987"}},
		{name: "password as a BigInt", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: 987654321987n });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}, secrets: []string{"987654321987"}},
		{name: "password as an object", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: { value: __ENV.NEO4J_PASSWORD } });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}},
		{name: "password as an array", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: [__ENV.NEO4J_PASSWORD] });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}},
		{name: "password as a boolean", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: true });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}},
		{name: "options as an array holding the password", script: preamble +
			"neo4j.connect('{{REFUSED}}', [__ENV.NEO4J_PASSWORD]);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connect()"}},
		{name: "password inside the URI", script: preamble +
			"neo4j.connect('bolt://neo4j:' + __ENV.NEO4J_PASSWORD + '@{{REFUSEDHP}}', {});\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)uri`},
		{name: "password in the URI's query", script: preamble +
			"neo4j.connect('bolt://{{REFUSEDHP}}?password=' + __ENV.NEO4J_PASSWORD, {});\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)uri|query`},
		{name: "password wrong type with the password in another option", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: 5, userAgent: 5 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"password"}},

		// ---- connect() options ----
		{name: "connect option typo", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, maxConnectionPoolSze: 5 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"maxConnectionPoolSze", "maxConnectionPoolSize"}},
		{name: "user of the wrong type", script: preamble +
			"neo4j.connect('{{REFUSED}}', { user: 42, password: __ENV.NEO4J_PASSWORD });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"user"}},
		{name: "database of the wrong type", script: preamble +
			"neo4j.connect('{{REFUSED}}', { database: 5, password: __ENV.NEO4J_PASSWORD });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"database"}},
		{name: "connectionTimeout 1e300", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, connectionTimeout: 1e300 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connectionTimeout"}},
		{name: "connectionTimeout negative", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, connectionTimeout: -5 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connectionTimeout"}},
		{name: "connectionTimeout not a duration", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, connectionTimeout: 'soon' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connectionTimeout"}},
		{name: "connectionAcquisitionTimeout Infinity", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, connectionAcquisitionTimeout: Infinity });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connectionAcquisitionTimeout"}},
		{name: "maxConnectionPoolSize not a number", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, maxConnectionPoolSize: 'many' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"maxConnectionPoolSize"}},
		{name: "fetchSize not a number", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD, fetchSize: 'all' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"fetchSize"}},
		{name: "caFile that does not exist", script: preamble +
			"neo4j.connect('bolt+s://{{REFUSEDHP}}', { password: __ENV.NEO4J_PASSWORD, caFile: '/nonexistent/ca.pem' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"/nonexistent/ca.pem"}},
		{name: "unknown URI scheme", script: preamble +
			"neo4j.connect('http://{{REFUSEDHP}}', { password: __ENV.NEO4J_PASSWORD });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"http"}},
		{name: "URI that is not one", script: preamble +
			"neo4j.connect('::not a uri::', { password: __ENV.NEO4J_PASSWORD });\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)uri`},
		{name: "connect without arguments", script: preamble +
			"neo4j.connect();\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"connect()"}},
		{name: "refused port", script: preamble +
			"neo4j.connect('{{REFUSED}}', { password: __ENV.NEO4J_PASSWORD });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"neo4j@{{REFUSEDHP}}"}, wantRe: `(?i)refused|connectivity`},

		// ---- issue 9.7 and the value helpers ----
		{name: "neo4j.int(1e20)", script: preamble + "neo4j.int(1e20);\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)64|range|too (large|big)|overflow`},
		{name: "neo4j.int beyond 64 bits from a string", script: preamble + "neo4j.int('99999999999999999999999');\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)64|range|too (large|big)|overflow`},
		{name: "neo4j.int of 2**64 as a BigInt", script: preamble + "neo4j.int(2n ** 64n);\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)64|range|too (large|big)|overflow`},
		{name: "neo4j.int of text", script: preamble + "neo4j.int('twelve');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"twelve"}},
		{name: "neo4j.int(NaN)", script: preamble + "neo4j.int(NaN);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"NaN"}},
		{name: "neo4j.int(1.5)", script: preamble + "neo4j.int(1.5);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"1.5"}},
		{name: "neo4j.float of text", script: preamble + "neo4j.float('x');\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)float|number`},
		{name: "date with month 13", script: preamble + "neo4j.types.date(2024, 13, 1);\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)month`},
		{name: "duration with a month of text", script: preamble + "neo4j.types.duration({ months: 'x' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"months"}},
		{name: "point with a coordinate of text", script: preamble + "neo4j.types.point(7203, 'a', 2);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"coordinate"}},

		// ---- issue 9.6, 9.8: recursion, samples after the end ----
		{name: "infinite recursion in init", script: preamble +
			"function f() { return f() + 1; }\nf();\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"RangeError"}},
		{name: "infinite recursion in setup", script: preamble +
			"function f() { return f() + 1; }\nexport function setup() { f(); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"RangeError"}},
		{name: "infinite recursion in an iteration", script: preamble + oneIter +
			"function f() { return f() + 1; }\nexport default function () { f(); }\n",
			codes: []int{exitOK}, want: []string{"RangeError"}},
		{name: "check() in handleSummary", script: preamble + oneIter +
			"export default function () {}\nexport function handleSummary(d) { check(1, { late: () => true }); return { stdout: 'SUMMARY-DONE\\n' }; }\n",
			codes: []int{exitOK}, want: []string{"SUMMARY-DONE"}},
		{name: "custom metric in handleSummary", script: preamble + oneIter +
			"import { Counter } from 'k6/metrics';\nconst c = new Counter('late_count');\n" +
			"export default function () { c.add(1); }\nexport function handleSummary(d) { for (let i = 0; i < 1000; i++) c.add(1); return { stdout: 'SUMMARY-DONE\\n' }; }\n",
			codes: []int{exitOK}, want: []string{"SUMMARY-DONE"}},
		{name: "check() in teardown after the end", script: preamble + oneIter +
			"export default function () {}\nexport function teardown() { check(1, { 'in teardown': () => true }); }\n",
			codes: []int{exitOK}, want: []string{"in teardown"}},

		// ---- issue 9.16: output paths, empty script ----
		{name: "--report to a folder that does not exist", script: preamble + oneIter + "export default function () { console.log('ITERATION-RAN'); }\n",
			args: []string{"--report", "/nonexistent/dir/r.html"}, noOutputs: true,
			codes: []int{exitInvalid}, want: []string{"/nonexistent/dir/r.html"}, notWant: []string{"ITERATION-RAN"}},
		{name: "--summary-export to a folder that does not exist", script: preamble + oneIter + "export default function () { console.log('ITERATION-RAN'); }\n",
			args: []string{"--summary-export", "/nonexistent/dir/s.json"}, noOutputs: true,
			codes: []int{exitInvalid}, want: []string{"/nonexistent/dir/s.json"}, notWant: []string{"ITERATION-RAN"}},
		{name: "--out json to a folder that does not exist", script: preamble + oneIter + "export default function () { console.log('ITERATION-RAN'); }\n",
			args: []string{"--out", "json=/nonexistent/x"}, noOutputs: true,
			codes: []int{exitInvalid}, want: []string{"/nonexistent/x"}, notWant: []string{"ITERATION-RAN"}},
		{name: "--out csv to a folder that does not exist", script: preamble + oneIter + "export default function () { console.log('ITERATION-RAN'); }\n",
			args: []string{"--out", "csv=/nonexistent/x.csv"}, noOutputs: true,
			codes: []int{exitInvalid}, want: []string{"/nonexistent/x.csv"}, notWant: []string{"ITERATION-RAN"}},
		{name: "K6_OUT to a folder that does not exist", script: preamble + oneIter + "export default function () { console.log('ITERATION-RAN'); }\n",
			env: []string{"K6_OUT=json=/nonexistent/y.json"}, noOutputs: true,
			codes: []int{exitInvalid}, want: []string{"/nonexistent/y.json"}, notWant: []string{"ITERATION-RAN"}},
		{name: "handleSummary writing to a folder that does not exist", script: preamble + oneIter +
			"export default function () {}\nexport function handleSummary(d) { return { '/nonexistent/dir/h.txt': 'x' }; }\n",
			codes: []int{exitOK}, want: []string{"/nonexistent/dir/h.txt"}},
		{name: "empty script", script: "\n",
			codes: []int{exitInvalid, exitScript}, wantRe: `(?i)empty|default|export`, notWant: []string{"source map"}},
		{name: "script with only comments", script: "// nothing here\n",
			codes: []int{exitInvalid, exitScript}, wantRe: `(?i)empty|default|export`, notWant: []string{"source map"}},
		{name: "unknown output", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--out", "nosuchoutput"}, noOutputs: true, codes: []int{exitInvalid}, want: []string{"nosuchoutput"}},

		// ---- issue 9.17: unbounded names (no server needed for these) ----
		{name: "thousands of exception messages", script: preamble +
			"export const options = { iterations: 3000 };\nimport exec from 'k6/execution';\n" +
			"export default function () { throw new Error('distinct message ' + exec.scenario.iterationInTest); }\n",
			codes: []int{exitOK}, want: []string{"(other)"}, check: func(t *testing.T, dir string, r result) {
				// Capped at about a thousand distinct ones, the rest counted, not logged.
				if n := strings.Count(r.stderr, "level=error"); n > 1100 {
					t.Errorf("%d error log entries for 3000 distinct exceptions: neither capped nor rate-limited", n)
				}
				if len(r.stdout) > 400<<10 {
					t.Errorf("summary of %d KB for 3000 distinct exceptions: not capped", len(r.stdout)>>10)
				}
			}},
		{name: "thousands of check names", script: preamble +
			"export const options = { iterations: 1 };\n" +
			"export default function () { for (let i = 0; i < 3000; i++) check(1, { ['check ' + i]: () => true }); }\n",
			codes: []int{exitOK}, want: []string{"(other)"}, check: func(t *testing.T, dir string, r result) {
				if len(r.stdout) > 400<<10 {
					t.Errorf("summary of %d KB for 3000 check names: not capped", len(r.stdout)>>10)
				}
			}},

		{name: "thousands of tag values", script: preamble +
			"import { Counter } from 'k6/metrics';\nconst c = new Counter('tagged');\nexport const options = { iterations: 1 };\n" +
			"export default function () { for (let i = 0; i < 3000; i++) c.add(1, { v: 'value ' + i }); }\n",
			// A tag's values are kept per sample in the JSON and CSV lines (no state grows with
			// them); what keeps state per value (the report, remote write) is capped.
			codes: []int{exitOK}, check: func(t *testing.T, dir string, r result) {
				for _, f := range []string{"report.html", "summary.json"} {
					if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Size() > 2<<20 {
						t.Errorf("%s is %d KB for 3000 values of one tag: not capped", f, st.Size()>>10)
					}
				}
			}},

		// ---- issue 9.4: control characters in names and tags ----
		{name: "control characters in a check name and a --tag", script: preamble + oneIter +
			"export default function () { check(1, { 'red\\x1b[31m\\x00nul\\x07': () => true }); }\n",
			args:  []string{"--tag", "env=a\x1bb\x07c"},
			codes: []int{exitOK}, check: func(t *testing.T, dir string, r result) {
				noRawControl(t, "stdout", []byte(r.stdout))
				noRawControl(t, "out.csv.gz", readOutputFile(t, filepath.Join(dir, "out.csv.gz")))
			}},

		// ---- the usual: command line ----
		{name: "unknown flag", script: preamble + oneIter + "export default function () {}\n", args: []string{"--frobnicate"},
			noOutputs: true, codes: []int{exitUsage}, want: []string{"--frobnicate"}},
		{name: "no script", argv: []string{"run"}, codes: []int{exitUsage}, want: []string{"script"}},
		{name: "two scripts", argv: []string{"run", "a.js", "b.js"}, codes: []int{exitUsage}, want: []string{"script"}},
		{name: "unknown command", argv: []string{"frobnicate"}, codes: []int{exitUsage}, want: []string{"frobnicate"}},
		{name: "script that does not exist", argv: []string{"run", "nope.js"}, codes: []int{exitScript, exitInvalid}, want: []string{"nope.js"}},
		{name: "script that is a folder", argv: []string{"run", "{{DIR}}"}, codes: []int{exitScript, exitInvalid}, wantRe: `(?i)director|folder|not a file`},
		{name: "--vus not a number", script: preamble + oneIter + "export default function () {}\n", args: []string{"--vus", "abc"},
			noOutputs: true, codes: []int{exitUsage, exitInvalid}, want: []string{"vus"}},
		{name: "--vus negative", script: preamble + "export default function () {}\n", args: []string{"--vus", "-1"},
			codes: []int{exitInvalid, exitUsage}, want: []string{"vus"}},
		{name: "--duration not a duration", script: preamble + "export default function () {}\n", args: []string{"--duration", "xyz"},
			codes: []int{exitUsage}, want: []string{"xyz"}}, // a flag value that does not parse: 255, as k6
		{name: "--duration negative", script: preamble + "export default function () {}\n", args: []string{"--duration", "-5s"},
			codes: []int{exitInvalid}, want: []string{"duration"}},
		{name: "--iterations negative", script: preamble + "export default function () {}\n", args: []string{"--iterations", "-5"},
			codes: []int{exitInvalid, exitUsage}, want: []string{"iterations"}},
		{name: "--summary-trend-stats unknown stat", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--summary-trend-stats", "avg,p(abc)"}, codes: []int{exitInvalid}, want: []string{"p(abc)"}},
		{name: "--summary-time-unit unknown", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--summary-time-unit", "hours"}, codes: []int{exitInvalid}, want: []string{"hours"}},
		{name: "--tag without a value", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--tag", "novalue"}, codes: []int{exitInvalid, exitUsage}, want: []string{"novalue"}},
		{name: "--env without a value", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"-e", "NOVALUE"}, codes: []int{exitInvalid, exitUsage}, want: []string{"NOVALUE"}},
		{name: "--config that does not exist", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--config", "/nonexistent/cfg.json"}, codes: []int{exitInvalid}, want: []string{"/nonexistent/cfg.json"}},
		{name: "--config that is not JSON", script: preamble + oneIter + "export default function () {}\n",
			extra: map[string]string{"cfg.json": "{vus: 3,"}, args: []string{"--config", "{{DIR}}/cfg.json"},
			codes: []int{exitInvalid}, want: []string{"cfg.json"}},
		{name: "K6_VUS not a number", script: preamble + "export default function () {}\n", env: []string{"K6_VUS=abc"},
			codes: []int{exitInvalid}, want: []string{"K6_VUS"}},
		{name: "K6_DURATION not a duration", script: preamble + "export default function () {}\n", env: []string{"K6_DURATION=soon"},
			codes: []int{exitInvalid}, want: []string{"K6_DURATION"}},
		{name: "--address that cannot be bound", script: preamble + oneIter + "export default function () {}\n",
			args: []string{"--address", "256.1.1.1:99999"}, codes: []int{exitInvalid}, want: []string{"address"}},

		// ---- the usual: options ----
		{name: "options.vus negative", script: preamble + "export const options = { vus: -1 };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"vus"}},
		{name: "options.vus a string", script: preamble + "export const options = { vus: 'ten' };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"vus"}},
		{name: "options.iterations fractional", script: preamble + "export const options = { iterations: 1.5 };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"iterations"}},
		{name: "options.duration not a duration", script: preamble + "export const options = { duration: 'abc' };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"abc"}},
		{name: "options.stages with a negative target", script: preamble +
			"export const options = { stages: [{ duration: '1s', target: -1 }] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"target"}},
		{name: "unknown executor", script: preamble +
			"export const options = { scenarios: { s: { executor: 'warp-speed' } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"warp-speed"}},
		{name: "arrival-rate scenario without a rate", script: preamble +
			"export const options = { scenarios: { s: { executor: 'constant-arrival-rate', duration: '1s', preAllocatedVUs: 1 } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"rate"}},
		{name: "scenario exec not exported", script: preamble +
			"export const options = { scenarios: { s: { executor: 'shared-iterations', exec: 'nosuchfn' } } };\nexport default function () {}\n",
			codes: []int{exitInvalid, exitScript}, want: []string{"nosuchfn"}},
		{name: "scenario gracefulStop not a duration", script: preamble +
			"export const options = { scenarios: { s: { executor: 'shared-iterations', gracefulStop: 'later' } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"later"}},
		{name: "scenario startTime negative", script: preamble +
			"export const options = { scenarios: { s: { executor: 'shared-iterations', startTime: '-1s' } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"startTime"}},
		{name: "externally-controlled maxVUs below vus", script: preamble +
			"export const options = { scenarios: { s: { executor: 'externally-controlled', vus: 5, maxVUs: 2, duration: '1s' } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"maxVUs"}},
		{name: "ramping-arrival-rate without stages", script: preamble +
			"export const options = { scenarios: { s: { executor: 'ramping-arrival-rate', preAllocatedVUs: 1 } } };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"stages"}},

		// ---- the usual: thresholds ----
		{name: "threshold text that does not parse", script: preamble + oneIter +
			"options.thresholds = { iterations: ['count >> 5'] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"count >> 5"}},
		{name: "threshold on an unknown metric", script: preamble + oneIter +
			"options.thresholds = { nosuch_metric: ['count<1'] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"nosuch_metric"}},
		{name: "threshold aggregation the metric lacks", script: preamble + oneIter +
			"options.thresholds = { iterations: ['p(95)<1'] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"p(95)"}},
		{name: "threshold value not a number", script: preamble + oneIter +
			"options.thresholds = { iterations: ['count<abc'] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"count<abc"}},
		{name: "threshold not a list", script: preamble + oneIter +
			"options.thresholds = { iterations: 5 };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"iterations"}},
		{name: "threshold abortOnFail not a boolean", script: preamble + oneIter +
			"options.thresholds = { iterations: [{ threshold: 'count<1', abortOnFail: 'yes' }] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"abortOnFail"}},
		{name: "threshold with a bad tag filter", script: preamble + oneIter +
			"options.thresholds = { 'iterations{scenario': ['count<1'] };\nexport default function () {}\n",
			codes: []int{exitInvalid}, want: []string{"iterations{scenario"}},
		{name: "failing threshold", script: preamble + oneIter +
			"options.thresholds = { iterations: ['count>100'] };\nexport default function () {}\n",
			codes: []int{exitThreshold}, want: []string{"count>100"}},

		// ---- the usual: script errors ----
		{name: "syntax error", script: preamble + "export default function () {\n  let x = ;\n}\n",
			codes: []int{exitScript}, want: []string{"script.js:4"}},
		{name: "TypeScript syntax error", file: "script.ts", script: "export default function (): void {\n  const x: number = ;\n}\n",
			codes: []int{exitScript}, want: []string{"script.ts:2"}},
		{name: "unknown k6 module", script: "import x from 'k6/x/nosuch';\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"k6/x/nosuch"}},
		{name: "local import that does not exist", script: "import x from './missing.js';\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"missing.js"}},
		{name: "remote import", script: "import x from 'https://example.com/lib.js';\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"https://example.com/lib.js"}},
		{name: "require of a Node module", script: "const fs = require('fs');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"fs"}},
		{name: "open() of a file that does not exist", script: "const d = open('/nonexistent/data.txt');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"/nonexistent/data.txt"}},
		{name: "open() outside init", script: preamble + oneIter + "export default function () { open('x.txt'); }\n",
			codes: []int{exitOK}, want: []string{"init"}},
		{name: "exception in init", script: preamble + "throw new Error('boom-init');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"boom-init", "script.js:3"}},
		{name: "exception in setup", script: preamble + oneIter + "export function setup() { throw new Error('boom-setup'); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"boom-setup"}},
		{name: "fail() in setup", script: preamble + oneIter + "export function setup() { fail('no data'); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"no data"}},
		{name: "exception in teardown", script: preamble + oneIter + "export default function () {}\nexport function teardown() { throw new Error('boom-teardown'); }\n",
			codes: []int{exitScript, exitOK}, want: []string{"boom-teardown"}},
		{name: "exception in every iteration", script: preamble + "export const options = { iterations: 5 };\nexport default function () { throw new Error('boom-iter'); }\n",
			codes: []int{exitOK}, want: []string{"boom-iter", "script.js:4"}},
		{name: "test.abort() in init", script: preamble + "import exec from 'k6/execution';\nexec.test.abort('stop-in-init');\nexport default function () {}\n",
			codes: []int{exitAborted}, want: []string{"stop-in-init"}},
		{name: "test.abort() in setup", script: preamble + oneIter + "import exec from 'k6/execution';\nexport function setup() { exec.test.abort('stop-in-setup'); }\nexport default function () {}\n",
			codes: []int{exitAborted}, want: []string{"stop-in-setup"}},
		{name: "test.abort() in an iteration", script: preamble + "import exec from 'k6/execution';\nexport const options = { iterations: 50 };\nexport default function () { exec.test.abort('stop-in-iter'); }\n",
			codes: []int{exitAborted}, want: []string{"stop-in-iter"}},
		{name: "no default function", script: preamble + "export function other() {}\n",
			codes: []int{exitInvalid, exitScript}, want: []string{"default"}},
		{name: "default export not a function", script: preamble + "export default 5;\n",
			codes: []int{exitInvalid, exitScript}, want: []string{"default"}},
		{name: "handleSummary throws", script: preamble + oneIter +
			"export default function () {}\nexport function handleSummary(d) { throw new Error('boom-summary'); }\n",
			codes: []int{exitOK}, want: []string{"boom-summary", "iterations"}},
		{name: "setup returns a cyclic object", script: preamble + oneIter +
			"export function setup() { const o = {}; o.o = o; return o; }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"setup"}},
		{name: "sleep() of text", script: preamble + oneIter + "export default function () { sleep('abc'); }\n",
			codes: []int{exitOK}, want: []string{"sleep"}},
		{name: "group() without a function", script: preamble + oneIter + "export default function () { group('g', 5); }\n",
			codes: []int{exitOK}, want: []string{"group"}},
		{name: "metric with a bad name", script: preamble + "import { Counter } from 'k6/metrics';\nnew Counter('');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"metric name"}},
		{name: "custom metric reusing a built-in name with another type", script: preamble + "import { Trend } from 'k6/metrics';\nnew Trend('iterations');\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"iterations"}},
		{name: "SharedArray without a function", script: preamble + "import { SharedArray } from 'k6/data';\nconst a = new SharedArray('a', 5);\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"SharedArray"}},

		// ---- with the suite's own Neo4j: parameters (issue 9.5, 9.7) ----
		{name: "huge sparse array in the parameters", server: true, script: withDB + oneIter +
			"export function setup() { const a = []; a.length = 2 ** 32 - 1; a[5] = 1; db.run('RETURN size($a) AS n', { a }); }\nexport default function () {}\n",
			codes: []int{exitScript, exitOK}},
		{name: "parameters nested 10000 deep", server: true, script: withDB + oneIter +
			"export function setup() { let p = 1; for (let i = 0; i < 10000; i++) p = [p]; db.run('RETURN 1', { p }); }\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)nest|depth|deep`},
		{name: "BigUint64Array of 2**64-1", server: true, script: withDB + oneIter +
			"export function setup() { db.run('RETURN $a', { a: new BigUint64Array([2n ** 64n - 1n]) }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"params.a"}},
		{name: "BigInt beyond 64 bits", server: true, script: withDB + oneIter +
			"export function setup() { db.run('RETURN $a', { a: { b: 2n ** 70n } }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"params.a.b"}},
		{name: "Invalid Date", server: true, script: withDB + oneIter +
			"export function setup() { db.run('RETURN $d', { d: [new Date('garbage')] }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"params.d[0]"}},
		{name: "function in the parameters", server: true, script: withDB + oneIter +
			"export function setup() { db.run('RETURN $f', { f: () => 1 }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"params.f"}},
		{name: "cyclic parameters", server: true, script: withDB + oneIter +
			"export function setup() { const o = {}; o.self = o; db.run('RETURN $o', { o }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"params.o"}},
		{name: "parameters not an object", server: true, script: withDB + oneIter +
			"export function setup() { db.run('RETURN 1', 5); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"parameters"}},
		{name: "cypher not a string", server: true, script: withDB + oneIter +
			"export function setup() { db.run(5); }\nexport default function () {}\n",
			codes: []int{exitScript}, wantRe: `(?i)cypher|query|string`},
		{name: "unknown per-call option", server: true, script: withDB + oneIter +
			"export function setup() { db.read('RETURN 1', {}, { bogusOption: 1 }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"bogusOption"}},
		{name: "per-call tags not an object", server: true, script: withDB + oneIter +
			"export function setup() { db.read('RETURN 1', {}, { tags: 5 }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"tags"}},
		{name: "per-call timeout negative", server: true, script: withDB + oneIter +
			"export function setup() { db.read('RETURN 1', {}, { timeout: -1 }); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"timeout"}},
		{name: "readTx without a function", server: true, script: withDB + oneIter +
			"export function setup() { db.readTx(5); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"readTx"}},
		{name: "tx.run with a database option", server: true, script: withDB + oneIter +
			"export function setup() { db.writeTx((tx) => tx.run('RETURN 1', {}, { database: 'nosuchdb' })); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"database"}},
		{name: "tx.run with an unknown option", server: true, script: withDB + oneIter +
			"export function setup() { db.writeTx((tx) => tx.run('RETURN 1', {}, { bogusTxOption: 1 })); }\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"bogusTxOption"}},
		{name: "same identity with other driver settings", server: true, script: withDB +
			"neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD, maxConnectionPoolSize: 7 });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"maxConnectionPoolSize"}},
		{name: "same identity with a wrong password", server: true, script: preamble +
			"neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest2', password: __ENV.NEO4J_PASSWORD });\n" +
			"neo4j.connect(__ENV.NEO4J_URI, { user: 'loadtest2', password: 'Wrong-Pass-7Hq2' });\nexport default function () {}\n",
			codes: []int{exitScript}, want: []string{"loadtest2@127.0.0.1:"}, secrets: []string{"Wrong-Pass-7Hq2"}},

		// ---- with the server: connect() in every iteration (issue 9.9) ----
		// Either connect() outside init hands back the VU's client or it is refused with a
		// clear message; both are fine, memory growing with the iterations is not.
		// Measured before the fix: +130 MB from 200 to 2000 iterations with close(), +31 MB
		// from 600 to 6000 without.
		{name: "connect() and close() in every iteration", server: true, script: connectPerIteration(true),
			env: []string{"ITERS=2000"}, codes: []int{exitOK}, check: flatRSS(connectPerIteration(true), 200, 40)},
		{name: "connect() without close() in every iteration", server: true, script: connectPerIteration(false),
			env: []string{"ITERS=6000"}, codes: []int{exitOK}, check: flatRSS(connectPerIteration(false), 600, 16)},

		// ---- with the server: names (issue 9.3, 9.4, 9.17) and timeouts (9.12) ----
		{name: "literals in default query names", server: true, script: withDB + oneIter +
			"export default function () {\n  db.run(\"RETURN 'lit-Secret-42x' AS s, 8675309123 AS n\");\n" +
			"  db.run('RETURN 1 AS one', {}, { tags: { name: \"kept 'as' written\" } });\n}\n",
			codes: []int{exitOK}, secrets: []string{"lit-Secret-42x", "8675309123"}, want: []string{"kept 'as' written"}},
		{name: "control characters in a query name", server: true, script: withDB + oneIter +
			"export default function () { db.run('RETURN 1', {}, { tags: { name: 'q\\x00\\x1b[2Jname', extra: 'v\\x07' } }); }\n",
			codes: []int{exitOK}, check: func(t *testing.T, dir string, r result) {
				noRawControl(t, "stdout", []byte(r.stdout))
				noRawControl(t, "out.csv.gz", readOutputFile(t, filepath.Join(dir, "out.csv.gz")))
			}},
		{name: "thousands of query names", server: true, script: withDB + oneIter +
			"export default function () { for (let i = 0; i < 2000; i++) db.run('RETURN 1', {}, { tags: { name: 'query ' + i } }); }\n",
			codes: []int{exitOK}, want: []string{"(other)"}, check: func(t *testing.T, dir string, r result) {
				if len(r.stdout) > 400<<10 {
					t.Errorf("summary of %d KB for 2000 query names: not capped", len(r.stdout)>>10)
				}
			}},
		{name: "per-call timeout of 5 ms", server: true, script: withDB +
			"export const options = { iterations: 20 };\n" +
			"export default function () { try { db.read('UNWIND range(1, 20000000) AS x RETURN sum(x)', {}, { timeout: 5, tags: { name: 'slow' } }); } catch (e) {} }\n",
			codes: []int{exitOK}, check: func(t *testing.T, dir string, r result) {
				codes := map[string]int{}
				for _, s := range jsonSamples(t, filepath.Join(dir, "out.json")) {
					if s.Metric == "neo4j_queries" && s.Tags["name"] == "slow" {
						codes[s.Tags["status"]+"/"+s.Tags["error_code"]]++
					}
				}
				if codes["error/timeout"] != 20 {
					t.Errorf("want 20 queries failed with error_code timeout, got %v", codes)
				}
			}},
	}
}

// connectPerIteration is a script that connects (and maybe closes) in each of ITERS
// iterations.
func connectPerIteration(closeIt bool) string {
	body := "const c = neo4j.connect(__ENV.NEO4J_URI, { password: __ENV.NEO4J_PASSWORD });\n  c.read('RETURN 1');\n"
	if closeIt {
		body += "  c.close();\n"
	}
	return preamble + "export const options = { iterations: Number(__ENV.ITERS) };\n" +
		"export default function () {\n  " + body + "}\n"
}

// flatRSS runs the case's script again with fewer iterations and fails when the peak RSS of
// the case's run is more than limitMB above that.
func flatRSS(script string, fewer, limitMB int64) func(t *testing.T, dir string, r result) {
	return func(t *testing.T, dir string, r result) {
		t.Helper()
		writeScript(t, dir, "small.js", script)
		small := run(t, dir, []string{"NEO4J_URI=bolt://127.0.0.1:" + strconv.Itoa(faultPort), "ITERS=" + strconv.FormatInt(fewer, 10)},
			90*time.Second, "run", "--quiet", "small.js")
		if small.code != 0 {
			t.Fatalf("%d iterations: exit %d\n%s", fewer, small.code, small.all())
		}
		grew := r.maxRSS - small.maxRSS
		t.Logf("peak RSS: %d MB after %d iterations, %d MB after 10 times as many", small.maxRSS>>20, fewer, r.maxRSS>>20)
		if grew > limitMB<<20 {
			t.Errorf("peak RSS grew by %d MB from %d to %d iterations of connect(): memory is not flat", grew>>20, fewer, 10*fewer)
		}
	}
}

// noRawControl fails when text output carries a raw control character other than \n, \r, \t.
func noRawControl(t *testing.T, what string, b []byte) {
	t.Helper()
	for i, c := range b {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f {
			lo, hi := max(0, i-40), min(len(b), i+40)
			t.Errorf("%s has a raw control character 0x%02x: %q", what, c, b[lo:hi])
			return
		}
	}
}

// TestBadInputs runs every case that needs no server (NEO4J_URI points at a refused port).
func TestBadInputs(t *testing.T) {
	cases := badInputs()
	if len(cases) < 80 {
		t.Fatalf("only %d bad-input cases", len(cases))
	}
	t.Logf("%d bad-input cases (those needing a server run in TestServerFaults)", len(cases))
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		names[c.name] = true
	}
	for _, c := range cases {
		if c.server {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runBadInput(t, c, "bolt://"+refusedAddr)
		})
	}
}

// runBadInputsWithServer runs the cases that need a server against the suite's own.
func runBadInputsWithServer(t *testing.T, s *server) {
	for _, c := range badInputs() {
		if !c.server {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runBadInput(t, c, s.uri)
		})
	}
}

func runBadInput(t *testing.T, c badInput, uri string) {
	dir := t.TempDir()
	expand := func(s string) string {
		return strings.NewReplacer(
			"{{DIR}}", dir,
			"{{REFUSED}}", "bolt://"+refusedAddr,
			"{{REFUSEDHP}}", refusedAddr,
			"{{BLACKHOLE}}", "bolt://"+blackholeAddr,
		).Replace(s)
	}
	for name, text := range c.extra {
		writeScript(t, dir, name, text)
	}
	outFiles := []string{"out.json", "out.csv.gz", "summary.json", "report.html"}
	var files []string
	for _, f := range outFiles {
		files = append(files, filepath.Join(dir, f))
	}
	args := c.argv
	if args == nil {
		file := c.file
		if file == "" {
			file = "script.js"
		}
		if c.script != "" {
			writeScript(t, dir, file, expand(c.script))
		}
		args = []string{"run", "--quiet"}
		if !c.noOutputs {
			args = append(args, "--out", "json="+files[0], "--out", "csv="+files[1],
				"--summary-export", files[2], "--report", files[3])
		}
		args = append(append(args, c.args...), file)
	}
	for i := range args {
		args[i] = expand(args[i])
	}
	env := append([]string{"NEO4J_URI=" + uri}, c.env...)
	r := run(t, dir, env, 90*time.Second, args...)

	if !slices.Contains(c.codes, r.code) {
		t.Errorf("exit code %d, want one of %v", r.code, c.codes)
	}
	out := r.all()
	for _, w := range c.want {
		if w = expand(w); !strings.Contains(out, w) {
			t.Errorf("the output lacks %q", w)
		}
	}
	if c.wantRe != "" && !regexp.MustCompile(c.wantRe).MatchString(out) {
		t.Errorf("the output does not match %s", c.wantRe)
	}
	for _, w := range c.notWant {
		if strings.Contains(out, w) {
			t.Errorf("the output has %q", w)
		}
	}
	// Every output file the run made is complete (it may have made none: bad input found
	// before the run started).
	if _, err := os.Stat(files[0]); err == nil {
		jsonSamples(t, files[0])
	}
	if _, err := os.Stat(files[1]); err == nil {
		readOutputFile(t, files[1])
	}
	assertClean(t, r, append([]string{secret}, c.secrets...), files...)
	if c.check != nil {
		c.check(t, dir, r)
	}
	if t.Failed() {
		t.Logf("command: xk6-neo4j %s\nexit %d after %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.elapsed.Round(time.Millisecond), tail(r.stdout), tail(r.stderr))
	}
}
