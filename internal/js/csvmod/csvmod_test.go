package csvmod_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/csvmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/fsmod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

const data = "name,age\r\nJohn,30\nJane,25\n\"Doe, \"\"Q\"\"\",7\nMax,41\n"

func setup(t *testing.T, fsRoot *fsmod.RootModule, csvRoot *csvmod.RootModule) (*modulestest.VU, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	vu := modulestest.NewVU(t)
	vu.Import("fs", fsRoot)
	vu.Import("csv", csvRoot)
	return vu, p
}

func runAsync(t *testing.T, vu *modulestest.VU, body string) string {
	t.Helper()
	_, err := vu.Run(`globalThis.out = undefined; (async () => {` + body + `})().then(
		(v) => { globalThis.out = String(v); },
		(e) => { globalThis.out = 'ERR ' + e.name + ': ' + e.message; });`)
	if err != nil {
		t.Fatal(err)
	}
	out := vu.RT.Get("out")
	if out == nil || out.String() == "undefined" {
		t.Fatal("the promise did not settle")
	}
	return out.String()
}

// csv.parse resolves to every record, quoted fields unquoted, and the options select and
// shape the records as k6 documents.
func TestParseOptions(t *testing.T) {
	vu, p := setup(t, fsmod.New(), csvmod.New())
	open := "const f = await fs.open(`" + p + "`);"
	cases := map[string]string{
		`const a = await csv.parse(f); return a.length + ' ' + JSON.stringify(a[3]);`:                    `5 ["Doe, \"Q\"","7"]`,
		`const a = await csv.parse(f, {skipFirstLine: true}); return a.length + ' ' + a[0].join();`:      "4 John,30",
		`const a = await csv.parse(f, {asObjects: true}); return a.length + ' ' + JSON.stringify(a[0]);`: `4 {"name":"John","age":"30"}`,
		`const a = await csv.parse(f, {fromLine: 2, toLine: 3}); return JSON.stringify([...a]);`:         `[["Jane","25"],["Doe, \"Q\"","7"]]`,
		`const a = await csv.parse(f, {asObjects: true, fromLine: 3}); return JSON.stringify([...a]);`:   `[{"name":"Doe, \"Q\"","age":"7"},{"name":"Max","age":"41"}]`,
		`const a = await csv.parse(f, {toLine: 0}); return JSON.stringify([...a]);`:                      `[["name","age"]]`,
		`const a = await csv.parse(f); try { a[0] = 1; return 'written'; } catch (e) { return e.name; }`: "TypeError",
		`const a = await csv.parse(f); return Array.isArray(a) + ' ' + a.map((r) => r[0]).join('|');`:    "true name|John|Jane|Doe, \"Q\"|Max",
		`const a = await csv.parse(f, {delimiter: ';', toLine: 2}); return a[1].length + ' ' + a[1][0];`: "1 John,30",
	}
	for body, want := range cases {
		if got := runAsync(t, vu, open+body); got != want {
			t.Errorf("%s\n got  %s\n want %s", body, got, want)
		}
	}
}

// Two VUs that parse the same file with the same options read one shared result, as with
// SharedArray; each VU's File keeps its own offset.
func TestParseSharedBetweenVUs(t *testing.T) {
	fsRoot, csvRoot := fsmod.New(), csvmod.New()
	vu1, p := setup(t, fsRoot, csvRoot)
	vu2 := modulestest.NewVU(t)
	vu2.Import("fs", fsRoot)
	vu2.Import("csv", csvRoot)
	body := "const f = await fs.open(`" + p + "`); const a = await csv.parse(f, {asObjects: true}); return a.length + a[3].name;"
	if got := runAsync(t, vu1, body); got != "4Max" {
		t.Fatalf("vu1: %s", got)
	}
	if err := os.WriteFile(p, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := runAsync(t, vu2, body); got != "4Max" {
		t.Errorf("vu2 did not share vu1's parse: %s", got)
	}
}

// The streaming Parser yields one record per next(), then {done: true, value: undefined}.
func TestParser(t *testing.T) {
	vu, p := setup(t, fsmod.New(), csvmod.New())
	got := runAsync(t, vu, "const f = await fs.open(`"+p+"`);"+`
		const out = [];
		const parser = new csv.Parser(f, { skipFirstLine: true });
		for (;;) { const r = await parser.next(); if (r.done) { out.push(String(r.value)); break; } out.push(r.value.join(':')); }
		out.push((await parser.next()).done);
		const objs = new csv.Parser(f, { asObjects: true, toLine: 2 });
		out.push(JSON.stringify((await objs.next()).value), JSON.stringify((await objs.next()).value), (await objs.next()).done);
		return out.join('|');`)
	want := `John:30|Jane:25|Doe, "Q":7|Max:41|undefined|true|{"name":"John","age":"30"}|{"name":"Jane","age":"25"}|true`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// Bad input is refused with a message naming the call and what was wrong.
func TestErrors(t *testing.T) {
	vu, p := setup(t, fsmod.New(), csvmod.New())
	open := "const f = await fs.open(`" + p + "`);"
	bad := filepath.Join(filepath.Dir(p), "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,\"x\"y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		`await csv.parse('users.csv')`:                               "ERR GoError: csv.parse(): the first argument must be a file from k6/experimental/fs",
		open + `await csv.parse(f, {delimiter: ';;'})`:               `ERR GoError: csv.parse(): option delimiter must be one character other than a quote or a line break, got ";;"`,
		open + `await csv.parse(f, {header: true})`:                  `ERR GoError: csv.parse(): unknown option "header"`,
		open + `await csv.parse(f, {fromLine: -1})`:                  "ERR GoError: csv.parse(): option fromLine must be a line number (0 or more), got -1",
		open + `await csv.parse(f, {fromLine: 3, toLine: 1})`:        "ERR GoError: csv.parse(): option toLine (1) is before fromLine (3)",
		open + `new csv.Parser({})`:                                  "ERR TypeError: new csv.Parser(): the first argument must be a file",
		"const b = await fs.open(`" + bad + "`); await csv.parse(b)": "ERR GoError: csv.parse(): " + bad + ": line 2, column",
	}
	for body, want := range cases {
		if got := runAsync(t, vu, body); !strings.HasPrefix(got, want) {
			t.Errorf("%s\n got  %s\n want %s...", body, got, want)
		}
	}
	runAsync(t, vu, open+"globalThis.f = f; return 1;")
	vu.MoveToVUContext()
	if got := runAsync(t, vu, `await csv.parse(globalThis.f)`); !strings.HasPrefix(got, "ERR GoError: csv.parse() can only be called in the init context") {
		t.Errorf("parse outside init: %s", got)
	}
}
