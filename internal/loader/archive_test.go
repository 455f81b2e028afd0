package loader

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// An archive holds the script, its local imports and the files read while recording; loaded
// again with the originals gone, it bundles and serves those files by relative and absolute
// path, and says which file is missing.
func TestArchiveRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeFiles(t, src, map[string]string{
		"test/script.js": "import { f } from '../lib/util.js';\nimport './side';\nexport default function () { f(); }\n",
		"lib/util.js":    "export function f() { return 1; }\n",
		"test/side.js":   "globalThis.x = 1;\n",
		"data/users.csv": "a,b\n1,2\n",
		"unused.txt":     "not read",
	})
	b, err := Load(filepath.Join(src, "test", "script.js"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Imports) != 3 || b.Imports[0] != b.Path {
		t.Fatalf("imports %q: want the script first, then util.js and side.js", b.Imports)
	}
	b.Record()
	if _, err := b.ReadFile("../data/users.csv"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	files, err := b.WriteArchive(&buf, Metadata{Options: []byte(`{"vus":2}`), Env: map[string]string{"K": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 || strings.Contains(strings.Join(files, " "), "unused") {
		t.Fatalf("archived %q: want the script, 2 imports and users.csv", files)
	}
	path := filepath.Join(dir, "test.tar")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}

	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var opts bytes.Buffer
	if a.Archive != nil {
		_ = json.Compact(&opts, a.Archive.Meta.Options)
	}
	if a.Archive == nil || opts.String() != `{"vus":2}` || a.Archive.Meta.Env["K"] != "v" {
		t.Fatalf("metadata not read back: %+v", a.Archive)
	}
	if a.Path != filepath.Join(src, "test", "script.js") || !strings.Contains(a.Code, "return 1") {
		t.Fatalf("bundle from the archive: path %s, code:\n%s", a.Path, a.Code)
	}
	for _, p := range []string{"../data/users.csv", filepath.Join(src, "data", "users.csv")} {
		got, err := a.ReadFile(p)
		if err != nil || string(got) != "a,b\n1,2\n" {
			t.Errorf("ReadFile(%q) = %q, %v", p, got, err)
		}
	}
	_, err = a.ReadFile("../unused.txt")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "unused.txt") || !strings.Contains(err.Error(), "test.tar") {
		t.Errorf("a file not in the archive: %v; want ErrNotExist naming the file and the archive", err)
	}
}

func TestAnonymousPaths(t *testing.T) {
	for in, want := range map[string]string{
		"/home/alice/p/s.js":  "/home/nobody/p/s.js",
		"/Users/Bob/s.js":     "/Users/nobody/s.js",
		"/homework/alice/x":   "/homework/alice/x",
		"/tmp/a/../b/./c.csv": "/tmp/b/c.csv",
	} {
		if got := anonymous(in); got != want {
			t.Errorf("anonymous(%q) = %q, want %q", in, got, want)
		}
	}
}

// Bad archives are refused with what is wrong, wrapped as script errors.
func TestReadArchiveBadInputs(t *testing.T) {
	tarOf := func(entries map[string]string) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for name, content := range entries {
			_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
			_, _ = tw.Write([]byte(content))
		}
		_ = tw.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name, want string
		content    []byte
	}{
		{"text.tar", "not a tar archive", []byte("export default function () {}\n")},
		{"empty.tar", "not a tar archive", nil},
		{"nometa.tar", "no metadata.json", tarOf(map[string]string{"data": "x"})},
		{"badjson.tar", "metadata.json", tarOf(map[string]string{"metadata.json": "{", "data": "x"})},
		{"type.tar", `test type "har"`, tarOf(map[string]string{"metadata.json": `{"type":"har","filename":"file:///s.js"}`, "data": "x"})},
		{"noscript.tar", "not in it", tarOf(map[string]string{"metadata.json": `{"type":"js","filename":"file:///s.js"}`})},
	}
	dir := t.TempDir()
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.content, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p)
		if !errors.Is(err, ErrScript) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: %v; want a script error naming the file and saying %q", c.name, err, c.want)
		}
	}
}
