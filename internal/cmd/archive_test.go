package cmd

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
)

// archiveSource is a test made of a script, a local import, a file read with open() (text
// and binary) and one read through k6/experimental/fs with top-level await: every way a
// test takes files in. It checks all of them and the environment, failing the run (exit 99)
// if anything is missing.
var archiveSource = map[string]string{
	"test/script.js": `import { check } from 'k6';
import { open as fsOpen } from 'k6/experimental/fs';
import { label } from '../lib/label.js';

const users = open('../data/users.csv').trim().split('\n');
const blob = open('../data/blob.bin', 'b');
const file = await fsOpen('../data/extra.txt');
const info = await file.stat();

export const options = { vus: 2, iterations: 4, thresholds: { checks: ['rate==1'] } };

export default function () {
  check(null, {
    'import': () => label('x') === '<x>',
    'open text': () => users.length === 3 && users[2] === 'cy',
    'open binary': () => blob.byteLength === 3,
    'fs.open': () => info.size === 6,
    'env': () => __ENV.WHO === (__ENV.EXPECT || 'world'),
  });
}
`,
	"lib/label.js":   "export function label(s) { return '<' + s + '>'; }\n",
	"data/users.csv": "ann\nbo\ncy\n",
	"data/blob.bin":  "\x00\x01\x02",
	"data/extra.txt": "extra\n",
	"data/unused":    "never read",
}

func writeTree(t *testing.T, dir string, files map[string]string) {
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

// tarEntries lists an archive's entries and returns metadata.json.
func tarEntries(t *testing.T, b []byte) ([]string, map[string]any) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var names []string
	var meta map[string]any
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == "metadata.json" {
			data, _ := io.ReadAll(tr)
			if err := json.Unmarshal(data, &meta); err != nil {
				t.Fatalf("metadata.json: %v\n%s", err, data)
			}
		}
	}
	return names, meta
}

// The operator's flow without Kubernetes: archive a test, delete its files, run the archive
// from another folder. The flags given to archive (-i, --tag) and its -e values travel in
// it; -e at run time overrides them.
func TestArchiveRunsWithoutTheOriginals(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "src")
	writeTree(t, src, archiveSource)
	arc := filepath.Join(base, "out", "test.tar")
	if err := os.MkdirAll(filepath.Dir(arc), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, map[string]string{"SECRET_IN_PROCESS_ENV": "x"}, "archive", "-i", "6", "--tag", "team=db", "-e", "WHO=world", "-O", arc, filepath.Join(src, "test", "script.js"))
	if r.code != ExitOK {
		t.Fatalf("archive: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(arc)
	if err != nil {
		t.Fatal(err)
	}
	names, meta := tarEntries(t, b)
	joined := strings.Join(names, "\n")
	for _, want := range []string{"metadata.json", "data", "/test/script.js", "/lib/label.js", "/data/users.csv", "/data/blob.bin", "/data/extra.txt"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the archive has no %s:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "unused") {
		t.Errorf("a file the init code never read is in the archive:\n%s", joined)
	}
	opts, _ := meta["options"].(map[string]any)
	env, _ := meta["env"].(map[string]any)
	if opts["iterations"] != 6.0 || opts["vus"] != 2.0 || opts["tags"] == nil || env["WHO"] != "world" || len(env) != 1 {
		t.Errorf("metadata: options %v, env %v; want iterations 6 (the flag), vus 2 (the script), the tag, and only the -e value", opts, env)
	}
	if meta["type"] != "js" || !strings.HasPrefix(meta["filename"].(string), "file:///") {
		t.Errorf("metadata: type %v, filename %v: want k6's", meta["type"], meta["filename"])
	}

	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // another folder: nothing resolves against the one archive ran in
	r = runArgs(t, nil, "run", "--quiet", arc)
	if r.code != ExitOK {
		t.Fatalf("run of the archive: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := summaryCount(t, r.stdout, "iterations"); n != 6 {
		t.Errorf("%d iterations, want the 6 recorded from -i", n)
	}
	r = runArgs(t, map[string]string{"WHO": "process"}, "run", "--quiet", "-e", "WHO=flag", "-e", "EXPECT=flag", "-i", "2", arc)
	if r.code != ExitOK || summaryCount(t, r.stdout, "iterations") != 2 {
		t.Fatalf("run with -e and -i over the archive's: exit %d (want 0: -e wins over the archive's env and the process's, -i over the recorded options)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The checks do judge: a mismatch fails the threshold.
	if r := runArgs(t, nil, "run", "--quiet", "-e", "EXPECT=other", arc); r.code != ExitThresholds {
		t.Fatalf("a failing check: exit %d, want 99\n%s", r.code, r.stderr)
	}
	r = runArgs(t, map[string]string{"WHO": "process", "EXPECT": "process"}, "run", "--quiet", arc)
	if r.code != ExitOK {
		t.Fatalf("the process environment should win over the archive's: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// --exclude-env-vars records no environment; -O - writes the tar to stdout.
func TestArchiveExcludeEnvToStdout(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, archiveSource)
	r := runArgs(t, nil, "archive", "--exclude-env-vars", "-e", "WHO=world", "-O", "-", filepath.Join(dir, "test", "script.js"))
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	_, meta := tarEntries(t, []byte(r.stdout))
	if meta == nil || meta["env"] != nil {
		t.Fatalf("env %v, want null", meta["env"])
	}
	arc := filepath.Join(dir, "a.tar")
	if err := os.WriteFile(arc, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runArgs(t, nil, "run", "--quiet", "-e", "WHO=world", arc); r.code != ExitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
}

// Bad inputs exit as the CLI does for scripts (107; 104 for invalid options; 255 for a
// command line that does not parse), with a message naming what is wrong and no Go trace.
func TestArchiveBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var noMeta bytes.Buffer
	tw := tar.NewWriter(&noMeta)
	_ = tw.WriteHeader(&tar.Header{Name: "data", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte("x\n"))
	_ = tw.Close()
	missingData := write("needs-data.js", []byte("const d = open('./absent.csv');\nexport default function () {}\n"))
	badOpts := write("bad-opts.js", []byte("export const options = { vus: -1 };\nexport default function () {}\n"))
	good := write("good.js", []byte("export default function () {}\n"))
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", write("text.tar", []byte("hello"))}, ExitScriptException, "text.tar: not a tar archive"},
		{[]string{"run", write("nometa.tar", noMeta.Bytes())}, ExitScriptException, "nometa.tar: no metadata.json"},
		{[]string{"inspect", write("nometa2.tar", noMeta.Bytes())}, ExitScriptException, "nometa2.tar: no metadata.json"},
		{[]string{"run", filepath.Join(dir, "gone.tar")}, ExitScriptException, "gone.tar: no such file"},
		{[]string{"archive", filepath.Join(dir, "gone.js")}, ExitScriptException, "gone.js: no such file"},
		{[]string{"inspect", filepath.Join(dir, "gone.js")}, ExitScriptException, "gone.js: no such file"},
		{[]string{"archive", "-O", filepath.Join(dir, "x.tar"), missingData}, ExitScriptException, "absent.csv"},
		{[]string{"archive", "-O", filepath.Join(dir, "y.tar"), badOpts}, ExitInvalidConfig, `"vus"`},
		{[]string{"archive", "-O", filepath.Join(dir, "no", "such", "dir.tar"), good}, ExitRuntimeError, "dir.tar"},
		{[]string{"archive", "-O"}, ExitUsage, "-O needs a file name"},
		{[]string{"archive", "--exclude-env-vars=maybe", good}, ExitUsage, "want true or false"},
		{[]string{"inspect"}, ExitUsage, "inspect takes exactly one script"},
	}
	for _, c := range cases {
		r := runArgs(t, nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("%q: exit %d, want %d and a message with %q:\n%s", c.args, r.code, c.code, c.want, r.stderr)
		}
	}
	for _, name := range []string{"x.tar", "y.tar"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("a failed archive left %s behind", name)
		}
	}
	// Archiving an archive is refused: its script is what to archive.
	arc := filepath.Join(dir, "ok.tar")
	if r := runArgs(t, nil, "archive", "-O", arc, good); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r := runArgs(t, nil, "archive", "-O", filepath.Join(dir, "again.tar"), arc); r.code != ExitScriptException || !strings.Contains(r.stderr, "is an archive already") {
		t.Errorf("archive of an archive: exit %d\n%s", r.code, r.stderr)
	}
}

// recordingScript connects in its init code as every test does, to a server given by the
// environment, with the password from it.
const recordingScript = `import neo4j from 'k6/x/neo4j';
export const options = { vus: 3, duration: '5s' };
const db = neo4j.connect(__ENV.NEO4J_URI, {
	password: __ENV.NEO4J_PASSWORD,
	maxConnectionPoolSize: Number(__ENV.POOL || 10),
	connectionAcquisitionTimeout: '20s',
});
export default function () { db.read('RETURN 1'); }
`

// archive and inspect run the init code only to record the test: connect() checks its
// options but dials nothing and needs no password, so an orchestrator's initializer needs
// neither the database nor its credentials. A bad option is still found.
func TestArchiveAndInspectNeedNoServer(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script.js")
	if err := os.WriteFile(script, []byte(recordingScript), 0o644); err != nil {
		t.Fatal(err)
	}
	hole := testenv.NewBlackHole(t, "") // a dial would wait there for the 20 s acquisition timeout
	uri := "bolt://" + hole.Addr
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"archive, no password", []string{"archive", "-e", "NEO4J_URI=" + uri, "-O", filepath.Join(dir, "a.tar"), script}, nil},
		{"archive, password in the process", []string{"archive", "--include-system-env-vars", "--exclude-env-vars", "-O", filepath.Join(dir, "b.tar"), script},
			map[string]string{"NEO4J_URI": uri, "NEO4J_PASSWORD": "secret-in-env"}},
		{"inspect a script", []string{"inspect", "--execution-requirements", "-e", "NEO4J_URI=" + uri, script}, nil},
	}
	for _, c := range cases {
		start := time.Now()
		r := runArgs(t, c.env, c.args...)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s\n%s", c.name, r.code, r.stdout, r.stderr)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v: it waited on the server", c.name, d)
		}
		if n := hole.Accepted(); n != 0 {
			t.Errorf("%s: %d connections reached the server, want none", c.name, n)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "b.tar")); err != nil || bytes.Contains(b, []byte("secret-in-env")) {
		t.Errorf("the archive made with the password in the environment holds it (or is missing: %v)", err)
	}
	r := runArgs(t, nil, "archive", "-e", "NEO4J_URI="+uri, "-e", "POOL=0", "-O", filepath.Join(dir, "c.tar"), script)
	if r.code != ExitScriptException || !strings.Contains(r.stderr, "maxConnectionPoolSize") {
		t.Errorf("a bad connect() option while archiving: exit %d, want 107 naming it\n%s", r.code, r.stderr)
	}
}
