package loader

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grafana/sobek"
	"github.com/grafana/sobek/parser"
)

// columnsScript has error sites of several shapes: a throw, a property of undefined, calls
// (a frame points at the call's "("), tabs, a call spread over lines, an arrow function, a
// method and a template literal. Its exports are on the last line, so the same text minus
// that line runs as a plain script, as k6 runs a file: the reference positions.
const columnsScript = `function thrower(n) {
  throw new Error('boom ' + n);
}
function deref(x) {
	return x.foo.bar;
}
const obj = { m(v) { return deref(v); } };
function caller() {
    const r = obj.m(
      {});
    return r;
}
const arrow = (s) => { return ` + "`${s}`" + ` + thrower(s.length); };
function all() {
  const out = [];
  for (const f of [() => thrower(1), caller, () => arrow('abc')]) {
    try { f(); } catch (e) { out.push(e.stack); }
  }
  return out.join('\n---\n');
}
export { all };`

var frameLoc = regexp.MustCompile(`:(\d+):(\d+)(?:\(\d+\))?\)?$`)

// frames gives the "line:column" of every frame of stacks, in order.
func frames(stacks string) []string {
	var out []string
	for _, l := range strings.Split(stacks, "\n") {
		if m := frameLoc.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			out = append(out, m[1]+":"+m[2])
		}
	}
	return out
}

// TestFramesHaveK6Columns: positions in a bundled script name the same line and column as
// the runtime gives for the unbundled file, which is what k6 prints.
func TestFramesHaveK6Columns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cols.js")
	if err := os.WriteFile(path, []byte(columnsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ast, err := sobek.Parse(b.Path, b.Code, parser.WithSourceMapLoader(func(string) ([]byte, error) {
		return nil, errors.New("inline only")
	}))
	if err != nil {
		t.Fatal(err)
	}
	prg, err := sobek.CompileAST(ast, false)
	if err != nil {
		t.Fatal(err)
	}
	rt := sobek.New()
	module := rt.NewObject()
	exports := rt.NewObject()
	_ = module.Set("exports", exports)
	_ = rt.Set("module", module)
	_ = rt.Set("exports", exports)
	if _, err := rt.RunProgram(prg); err != nil {
		t.Fatal(err)
	}
	all, _ := sobek.AssertFunction(module.Get("exports").ToObject(rt).Get("all"))
	got, err := all(sobek.Undefined())
	if err != nil {
		t.Fatal(err)
	}

	plain := sobek.New()
	src := columnsScript[:strings.LastIndex(columnsScript, "\n")]
	want, err := plain.RunScript("cols.js", src+"\nall();")
	if err != nil {
		t.Fatal(err)
	}
	// The plain run has one frame more per stack (the top-level call); compare the frames
	// inside the functions.
	gf, wf := frames(got.String()), frames(want.String())
	var wantInner []string
	for _, f := range wf {
		if !strings.HasPrefix(f, "21:") { // the added `all();` line
			wantInner = append(wantInner, f)
		}
	}
	if len(gf) < 8 || strings.Join(gf, " ") != strings.Join(wantInner, " ") {
		t.Fatalf("bundled frames %v, want the unbundled file's %v\nbundled:\n%s\nunbundled:\n%s", gf, wantInner, got, want)
	}
}

func TestShiftMappingsRefusesWhatItCannotRead(t *testing.T) {
	if _, ok := shiftMappings("AAAA,!!", "x"); ok {
		t.Fatal("a mapping with a character outside base64 was accepted")
	}
	if _, ok := shiftMappings("g", "x"); ok {
		t.Fatal("a mapping whose last digit promises another was accepted")
	}
	code := "var a;\n//# sourceMappingURL=data:application/json;base64,not-base64"
	if oneBasedColumns(code) != code {
		t.Fatal("code with an unreadable map was changed")
	}
}

func TestVLQRoundTrip(t *testing.T) {
	for _, vals := range [][]int{{0}, {1, -1, 15, -16}, {1 << 20, -(1 << 20), 31, 32, -33}} {
		v, ok := decodeVLQ(encodeVLQ(vals))
		if !ok || len(v) != len(vals) {
			t.Fatalf("%v: decoded %v", vals, v)
		}
		for i := range v {
			if v[i] != vals[i] {
				t.Fatalf("%v: decoded %v", vals, v)
			}
		}
	}
}
