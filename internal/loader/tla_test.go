package loader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A script with top-level await loads (CommonJS cannot hold it): its host-module imports
// become require() calls, its exports land on module.exports, and no line moves, so the
// source map still points at the user's lines.
func TestLoadTopLevelAwait(t *testing.T) {
	dir := t.TempDir()
	src := `import def, { a, b as c } from 'k6/x/one';
import * as ns from 'k6';
import 'k6/metrics';
import { helper } from './lib.js';
const v = await helper();
export const options = { vus: v };
export default function () { return [def, a, c, ns]; }
`
	if err := os.WriteFile(filepath.Join(dir, "lib.js"), []byte("export async function helper() { return 1; }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.js")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`const __k6mod1 = require("k6/x/one"); const def = __k6mod1.__esModule ? __k6mod1.default : __k6mod1; const { a, b: c } = __k6mod1;`,
		`const __k6mod2 = require("k6"); const ns = __k6mod2;`,
		`require("k6/metrics");`,
		"Object.assign(module.exports, {",
		"default: s_default,",
		"options: options,",
		"(async () => { ",
	} {
		if !strings.Contains(b.Code, want) {
			t.Errorf("the code lacks %q:\n%s", want, b.Code)
		}
	}
	if strings.Contains(b.Code, "\nimport ") || strings.Contains(b.Code, "\nexport ") {
		t.Errorf("ES module syntax is left:\n%s", b.Code)
	}
	if !strings.HasPrefix(b.Code[strings.LastIndex(strings.TrimRight(b.Code, "\n"), "\n")+1:], "//# sourceMappingURL=") {
		t.Errorf("the source map comment is not last:\n%s", b.Code)
	}
}

// Scripts without top-level await are bundled as before, as CommonJS.
func TestLoadWithoutTopLevelAwaitIsCommonJS(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.js")
	if err := os.WriteFile(p, []byte("import { check } from 'k6';\nexport default async function () { await check(1, {}); }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.Code, "(async () => { ") || !strings.Contains(b.Code, "require(\"k6\")") {
		t.Errorf("not the CommonJS bundle:\n%s", b.Code)
	}
}
