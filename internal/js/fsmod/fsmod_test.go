package fsmod_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/fsmod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// runAsync runs an async function body in the VU and returns what it resolved to, or
// "ERR name kind: message" for a rejection.
func runAsync(t *testing.T, vu *modulestest.VU, body string) string {
	t.Helper()
	_, err := vu.Run(`globalThis.out = undefined; (async () => {` + body + `})().then(
		(v) => { globalThis.out = String(v); },
		(e) => { globalThis.out = 'ERR ' + e.name + ' ' + e.kind + ': ' + e.message; });`)
	if err != nil {
		t.Fatal(err)
	}
	out := vu.RT.Get("out")
	if out == nil || out.String() == "undefined" {
		t.Fatal("the promise did not settle")
	}
	return out.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.bin")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// read, seek and stat behave as k6 documents: read resolves to the bytes read and then
// null at the end, seek moves relative to start, current offset or end.
func TestFileReadSeekStat(t *testing.T) {
	p := writeFile(t, "hello, world")
	vu := modulestest.NewVU(t)
	vu.Import("fs", fsmod.New())
	got := runAsync(t, vu, `
		const f = await fs.open(`+"`"+p+"`"+`);
		const out = [];
		const st = await f.stat();
		out.push(st.name, st.size, f.path.endsWith('data.bin'));
		const buf = new Uint8Array(5);
		out.push(await f.read(buf), String.fromCharCode(...buf));
		out.push(await f.seek(-5, fs.SeekMode.End));
		const big = new Uint8Array(100);
		out.push(await f.read(big), String.fromCharCode(...big.subarray(0, 5)));
		out.push(String(await f.read(big)));
		out.push(await f.seek(2, fs.SeekMode.Start), await f.seek(3, fs.SeekMode.Current));
		out.push(await f.read(new Uint8Array(2)));
		out.push(fs.SeekMode.Start, fs.SeekMode.Current, fs.SeekMode.End);
		return out.join('|');`)
	want := "data.bin|12|true|5|hello|7|5|world|null|2|5|2|0|1|2"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A file is read once per run: every VU gets the same bytes (one copy in memory), even if
// the file changes on disk afterwards, and each VU's File has its own offset.
func TestFileSharedBetweenVUs(t *testing.T) {
	p := writeFile(t, "abcdef")
	root := fsmod.New()
	vu1, vu2 := modulestest.NewVU(t), modulestest.NewVU(t)
	vu1.Import("fs", root)
	vu2.Import("fs", root)
	open := `globalThis.f = await fs.open(` + "`" + p + "`" + `); const b = new Uint8Array(3); await f.read(b); return String.fromCharCode(...b);`
	if got := runAsync(t, vu1, open); got != "abc" {
		t.Fatalf("vu1 read %q", got)
	}
	if err := os.WriteFile(p, []byte("CHANGED"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := runAsync(t, vu2, open); got != "abc" {
		t.Errorf("vu2 read %q: the file was read again instead of shared", got)
	}
	f1, ok1 := fsmod.FromValue(vu1.RT.Get("f"))
	f2, ok2 := fsmod.FromValue(vu2.RT.Get("f"))
	if !ok1 || !ok2 || &f1.Data[0] != &f2.Data[0] {
		t.Error("the two VUs hold different copies of the file's bytes")
	}
	if got := runAsync(t, vu1, `const b = new Uint8Array(3); await f.read(b); return String.fromCharCode(...b);`); got != "def" {
		t.Errorf("vu1's offset moved with vu2's reads: %q", got)
	}
}

// Errors are FsErrors with k6's names and kinds, and say what was wrong.
func TestErrors(t *testing.T) {
	p := writeFile(t, "abc")
	vu := modulestest.NewVU(t)
	vu.Import("fs", fsmod.New())
	openP := "await fs.open(`" + p + "`)"
	cases := map[string]string{
		`await fs.open('/no/such/file.csv')`:            `ERR NotFoundError 1: fs.open("/no/such/file.csv"): no such file`,
		"await fs.open(`" + filepath.Dir(p) + "`)":      "ERR InvalidResourceError 2: ",
		`await fs.open()`:                               "ERR TypeError 4: fs.open(): the path is missing",
		`const f = ` + openP + `; await f.read([1, 2])`: "ERR TypeError 4: file.read(): the argument must be a Uint8Array",
		`const f = ` + openP + `; await f.seek(-1)`:     "ERR TypeError 4: file.seek(): the offset cannot be negative",
		`const f = ` + openP + `; await f.seek(1, 2)`:   "ERR TypeError 4: file.seek(): the offset cannot be positive",
		`const f = ` + openP + `; await f.seek(9)`:      "ERR TypeError 4: file.seek(): cannot seek beyond the end of the file (3 bytes)",
		`const f = ` + openP + `; await f.seek(-9, 1)`:  "ERR TypeError 4: file.seek(): cannot seek before the start",
		`const f = ` + openP + `; await f.seek(0, 7)`:   "ERR TypeError 4: file.seek(): unknown seek mode 7",
		`const f = ` + openP + `; await f.seek('x')`:    "ERR TypeError 4: file.seek(): the offset must be a whole number",
	}
	for body, want := range cases {
		if got := runAsync(t, vu, body); !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got  %s\n want %s...", body, got, want)
		}
	}
	vu.MoveToVUContext()
	if got := runAsync(t, vu, openP); !strings.HasPrefix(got, "ERR ForbiddenError 3: fs.open(): open() can only be called in the init context") {
		t.Errorf("open outside init: %s", got)
	}
}
