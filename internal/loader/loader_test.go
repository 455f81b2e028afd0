package loader

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinRemoteModules(t *testing.T) {
	cases := []struct{ url, module string }{
		{"https://jslib.k6.io/k6-summary/0.0.2/index.js", "k6-summary"},
		{"https://jslib.k6.io/k6-summary/0.1.0/index.js", "k6-summary"},
		{"https://jslib.k6.io/k6-utils/1.0.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.1.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.2.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.3.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.4.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.5.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.6.0/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.x/index.js", "k6-utils"},
		{"https://jslib.k6.io/k6-utils/1.4.x/index.js", "k6-utils"},
		{"https://jslib.k6.io/papaparse/5.1.1/index.js", "papaparse"},
		{"https://jslib.k6.io/papaparse/5.4.1/index.js", "papaparse"},
		{"https://jslib.k6.io/papaparse/5.x/index.js", "papaparse"},
		// Not built in: other majors, other files, other hosts, other libraries.
		{"https://jslib.k6.io/k6-utils/2.0.0/index.js", ""},
		{"https://jslib.k6.io/k6-utils/1.4.0/other.js", ""},
		{"https://jslib.k6.io/papaparse/4.6.3/index.js", ""},
		{"https://example.com/k6-utils/1.4.0/index.js", ""},
		{"https://jslib.k6.io/k6chaijs/4.3.4.3/index.js", ""},
		{"http://jslib.k6.io/k6-utils/1.4.0/index.js", ""},
	}
	for _, c := range cases {
		got, ok := BuiltinRemoteModule(c.url)
		if got != c.module || ok != (c.module != "") {
			t.Errorf("%s: served by %q (%v), want %q", c.url, got, ok, c.module)
		}
	}
}

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadServesBuiltinJSLibs(t *testing.T) {
	b, err := Load(writeScript(t, `
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
import { randomIntBetween } from 'https://jslib.k6.io/k6-utils/1.2.0/index.js';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
export default function () { papaparse.parse('a'); randomIntBetween(1, 2); uuidv4(); }
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`require("papaparse")`, `require("k6-utils")`} {
		if !strings.Contains(b.Code, want) {
			t.Errorf("bundle lacks %s:\n%s", want, b.Code)
		}
	}
}

func TestLoadRefusesOtherRemoteImportsNamingTheBuiltinOnes(t *testing.T) {
	for _, url := range []string{
		"https://jslib.k6.io/k6chaijs/4.3.4.3/index.js",
		"https://jslib.k6.io/k6-utils/2.0.0/index.js",
		"http://example.com/lib.js",
		"file:///tmp/lib.js",
	} {
		_, err := Load(writeScript(t, `import x from '`+url+`';
export default function () { x(); }`))
		if err == nil || !errors.Is(err, ErrScript) {
			t.Fatalf("%s: error %v, want a script error", url, err)
		}
		for _, want := range []string{
			url, "is not supported", "download it next to the script",
			"https://jslib.k6.io/k6-summary/", "https://jslib.k6.io/k6-utils/1.", "https://jslib.k6.io/papaparse/5.",
			"script.js:1:",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error lacks %q:\n%v", url, want, err)
			}
		}
	}
}
