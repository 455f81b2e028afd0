package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A script written from k6's documentation: a CSV parameter file parsed with Papa Parse
// into a SharedArray and k6-utils' helpers, both imported by their jslib.k6.io URLs, runs
// with no network and every check passes.
func TestBuiltinJSLibsEndToEnd(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "users.csv")
	data := "username;password;age;admin\r\n" +
		"ann;\"p;w,1\";31;true\r\n" +
		"\"bo \"\"the\"\" builder\";x;7.5;FALSE\r\n" +
		"\r\n"
	if err := os.WriteFile(csv, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	src := `import { check } from 'k6';
import { SharedArray } from 'k6/data';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
import { randomIntBetween, randomItem, randomString, uuidv4, findBetween, normalDistributionStages }
  from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
import { randomIntBetween as older, check as asyncCheck } from 'https://jslib.k6.io/k6-utils/1.1.0/index.js';

const users = new SharedArray('users', function () {
  return papaparse.parse(open(` + "`" + csv + "`" + `), { header: true, dynamicTyping: true, skipEmptyLines: true }).data;
});

export const options = { vus: 2, iterations: 6, thresholds: { checks: ['rate==1'] } };

export default async function () {
  const u = randomItem(users);
  check(users, {
    'two users': (a) => a.length === 2,
    'quoted delimiter kept': (a) => a[0].password === 'p;w,1',
    'escaped quotes': (a) => a[1].username === 'bo "the" builder',
    'typed number': (a) => a[0].age === 31 && a[1].age === 7.5,
    'typed boolean': (a) => a[0].admin === true && a[1].admin === false,
    'random user is one of them': () => u.username === 'ann' || u.username.startsWith('bo'),
  });
  const n = randomIntBetween(1, 3);
  const stages = normalDistributionStages(10, 20, 5);
  check(null, {
    'randomIntBetween in range': () => n >= 1 && n <= 3 && Number.isInteger(n),
    'older version too': () => older(4, 4) === 4,
    'randomString': () => /^[a-z0-9]{12}$/.test(randomString(12)),
    'uuidv4': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'findBetween': () => findBetween('<b>x</b><b>y</b>', '<b>', '</b>', true).join() === 'x,y',
    'stages': () => stages.length === 5 && stages[2].target === 10 && stages[0].duration === '4s',
    'unparse': () => papaparse.unparse([['a', 'b,c']]) === 'a,"b,c"',
  });
  const ok = await asyncCheck(u, { 'async check': async (x) => { await null; return x.age > 0; } });
  if (ok !== true) throw new Error('the async check did not resolve to true');
}
`
	r := runScript(t, src, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "✓ 'rate==1'") {
		t.Errorf("checks did not all pass:\n%s", r.stdout)
	}
	// 6 iterations × 14 checks, all of them run.
	if !strings.Contains(r.stdout, "84 out of 84") {
		t.Errorf("not every check ran and passed:\n%s", r.stdout)
	}
}

func TestUnknownRemoteImportNamesTheBuiltinOnes(t *testing.T) {
	r := runScript(t, `import { expect } from 'https://jslib.k6.io/k6chaijs/4.3.4.3/index.js';
export default function () { expect(1).to.equal(1); }`, nil)
	if r.code != ExitScriptException {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitScriptException, r.stderr)
	}
	for _, want := range []string{`remote module "https://jslib.k6.io/k6chaijs/4.3.4.3/index.js" is not supported`,
		"https://jslib.k6.io/k6-utils/1.", "https://jslib.k6.io/papaparse/5."} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
