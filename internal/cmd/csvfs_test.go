package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// k6's current way to load a parameter file: k6/experimental/fs opens a CSV next to the
// script (a relative path, as with open()), csv.parse makes a shared read-only array in
// init (with top-level await, as k6's documentation writes it), and 2 VUs read it; each VU also streams the file with csv.Parser, and builds a
// query string with URL / URLSearchParams.
func TestCSVParameterFileEndToEnd(t *testing.T) {
	dir := t.TempDir()
	csv := "user,city\nann,Paris\nbo,\"São Paulo, BR\"\ncy,Oslo\n"
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	src := `import { check } from 'k6';
import exec from 'k6/execution';
import { open, SeekMode } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';

// Top-level await, as in k6's documentation.
const file = await open('users.csv');
const users = await csv.parse(file, { asObjects: true });
const parser = new csv.Parser(file, { skipFirstLine: true });

// Each VU streams all 3 rows, one per iteration.
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
  thresholds: { checks: ['rate==1'] },
};

export default async function () {
  const u = users[exec.scenario.iterationInTest % users.length];
  const row = await parser.next();
  const url = new URL('http://127.0.0.1:7474/db/neo4j/query');
  url.searchParams.append('user', u.user);
  url.searchParams.append('city', u.city);
  const info = await file.stat();
  check(users, {
    'three users': (a) => a.length === 3,
    'quoted field': (a) => a[1].city === 'São Paulo, BR',
    'read-only': (a) => { try { a[0] = null; return false; } catch (e) { return e instanceof TypeError; } },
    'parser streams rows': () => row.done === false && row.value.length === 2,
    'query string': () => url.search.startsWith('?user=') && !url.search.includes(' ') && url.searchParams.get('city') === u.city,
    'stat': () => info.name === 'users.csv' && info.size === ` + fmt.Sprint(len(csv)) + `,
  });
}
`
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, nil, "run", "--quiet", path)
	if r.code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// 6 iterations × 6 checks, all run and passed.
	if !strings.Contains(r.stdout, "36 out of 36") {
		t.Errorf("not every check ran and passed:\n%s", r.stdout)
	}
}

// Top-level await works in any script, with every import form, and an error thrown by
// awaited init code fails the run as an init error pointing at the user's line.
func TestTopLevelAwait(t *testing.T) {
	r := runScript(t, `import exec, { test as T } from 'k6/execution';
import * as k6 from 'k6';
import { SharedArray } from 'k6/data';
import { randomItem } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
import 'k6/metrics';
const n = await new Promise((resolve) => setTimeout(() => resolve(3), 10));
const a = new SharedArray('a', () => [n]);
export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };
export function setup() { return { n }; }
export default function (data) {
  k6.check(null, { 'init awaited': () => data.n === 3 && a[0] === 3 && randomItem([n]) === 3 && exec.vu.idInTest === 1 && typeof T.abort === 'function' });
}
`, nil)
	if r.code != ExitOK || !strings.Contains(r.stdout, "2 out of 2") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runScript(t, "const x = 1;\nawait Promise.reject(new Error('no data file'));\nexport default function () {}\n", nil)
	if r.code != ExitScriptException {
		t.Errorf("exit %d, want %d\n%s", r.code, ExitScriptException, r.stderr)
	}
	if !strings.Contains(r.stderr, "no data file") || !strings.Contains(r.stderr, "script.js:2:") {
		t.Errorf("the error does not name the cause and the line:\n%s", r.stderr)
	}
}
