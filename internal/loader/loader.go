// Package loader turns a user's script, with its local imports, into one CommonJS program the
// JavaScript runtime can run: esbuild bundles ES modules and TypeScript, leaves the host's
// modules (k6, k6/...) to require(), serves the jslib.k6.io libraries that are built in
// and refuses other remote imports with a clear error.
package loader

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Bundle is a loaded script.
type Bundle struct {
	// Path is the script's absolute path; Dir its folder, against which open() resolves.
	// For an archive they are the paths the script had where the archive was made.
	Path, Dir string
	// Code is CommonJS with an inline source map, so stack traces name the user's files.
	Code string
	// Archive is the archive the script was loaded from, nil for a script file: open()
	// then reads the archive's copies, and its options and environment apply.
	Archive *Archive
	// Imports are the local files bundled into Code, the script first (absolute paths).
	Imports []string

	rec *recorder // the files read, while `archive` runs the init code; nil otherwise
}

// ErrScript wraps every problem found in the user's script.
var ErrScript = errors.New("script error")

// ErrEmpty is a script with no code at all (empty, or only comments); it is an ErrScript.
var ErrEmpty = fmt.Errorf("%w", ErrScript)

var remoteImport = regexp.MustCompile(`^(https?|file)://`)

// Load bundles the script at path, or the script of the archive at path (a tar made by
// `archive`, told by its content as k6 does).
func Load(path string) (*Bundle, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrScript, path, err)
	}
	if st, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%w: cannot read %s: %w", ErrScript, path, errors.Unwrap(err))
	} else if st.IsDir() {
		return nil, fmt.Errorf("%w: %s is a folder, not a script", ErrScript, path)
	}
	if isArchive, err := looksLikeArchive(abs); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrScript, path, err)
	} else if isArchive {
		return LoadArchive(path)
	}
	code, imports, err := build(abs, path)
	if err != nil {
		return nil, err
	}
	return &Bundle{Path: abs, Dir: filepath.Dir(abs), Code: code, Imports: imports}, nil
}

// build bundles the script at abs (named as the user wrote it, path, in errors) and lists
// the local files it is made of.
func build(abs, path string) (code string, imports []string, err error) {
	dir := filepath.Dir(abs)
	opts := api.BuildOptions{
		EntryPoints:    []string{abs},
		AbsWorkingDir:  dir,
		Bundle:         true,
		Write:          false,
		Format:         api.FormatCommonJS,
		Platform:       api.PlatformNeutral,
		Target:         api.ES2020,
		Sourcemap:      api.SourceMapInline,
		SourcesContent: api.SourcesContentExclude,
		External:       []string{"k6", "k6/*", "k6-summary"},
		LogLevel:       api.LogLevelSilent,
		Outfile:        filepath.Join(dir, "bundle.js"),
		Plugins:        []api.Plugin{refuseRemote},
		Metafile:       true, // the files bundled, for `archive`
	}
	res := api.Build(opts)
	tla := needsTopLevelAwait(res.Errors)
	if tla {
		// See tla.go: bundled as an ES module, then rewritten into a script.
		opts.Format, opts.Supported = api.FormatESModule, map[string]bool{"top-level-await": true}
		res = api.Build(opts)
	}
	if len(res.Errors) > 0 {
		return "", nil, fmt.Errorf("%w: %s", ErrScript, formatMessages(res.Errors))
	}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".js") {
			code := string(f.Contents)
			if tla {
				var err error
				if code, err = asyncScript(code); err != nil {
					return "", nil, fmt.Errorf("%w: %s: top-level await: %w", ErrScript, path, err)
				}
			}
			if isEmpty(code) {
				return "", nil, fmt.Errorf("%w: %s: the script is empty: it must export a default function (export default function () { ... })", ErrEmpty, path)
			}
			return oneBasedColumns(code), metafileInputs(res.Metafile, dir, abs), nil
		}
	}
	return "", nil, fmt.Errorf("%w: bundling %s produced no code", ErrScript, path)
}

// metafileInputs lists the local files esbuild read (its metafile names them relative to
// dir), the entry point first.
func metafileInputs(metafile, dir, entry string) []string {
	var meta struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	_ = json.Unmarshal([]byte(metafile), &meta) // esbuild's own JSON
	out := []string{entry}
	for in := range meta.Inputs {
		p := filepath.Join(dir, filepath.FromSlash(in))
		if p == entry {
			continue
		}
		// Inputs of a plugin's namespace are not files.
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	sort.Strings(out[1:])
	return out
}

// ReadFile reads a file for open() and the modules' init-time reads: a relative path is
// resolved against the script's folder. A bundle from an archive serves the archive's copy.
func (b *Bundle) ReadFile(p string) ([]byte, error) {
	if strings.Contains(p, "://") {
		return nil, fmt.Errorf("open(%q): only local files can be opened", p)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(b.Dir, p)
	}
	if b.Archive != nil {
		return b.Archive.readFile(p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("open(%q): %w", p, errors.Unwrap(err))
	}
	if b.rec != nil {
		b.rec.add(p, data)
	}
	return data, nil
}

// builtinJSLib is one jslib.k6.io library served by the host: imports of it at a
// version that Match accepts become require(Module).
type builtinJSLib struct {
	Match  *regexp.Regexp
	Module string
	// URL is how error messages name the versions served.
	URL string
}

// builtinJSLibs are the remote libraries that k6's documentation imports and that are
// built in, so scripts written for k6 run unchanged and without network. The module names
// must match the host's module table (internal/cmd/modules.go).
var builtinJSLibs = []builtinJSLib{
	{regexp.MustCompile(`^https://jslib\.k6\.io/k6-summary/`), "k6-summary",
		"https://jslib.k6.io/k6-summary/<version>/index.js"},
	{regexp.MustCompile(`^https://jslib\.k6\.io/k6-utils/1(\.(x|\d+)){0,2}/index\.js$`), "k6-utils",
		"https://jslib.k6.io/k6-utils/1.<minor>.<patch>/index.js"},
	{regexp.MustCompile(`^https://jslib\.k6\.io/papaparse/5(\.(x|\d+)){0,2}/index\.js$`), "papaparse",
		"https://jslib.k6.io/papaparse/5.<minor>.<patch>/index.js"},
}

// BuiltinRemoteModule returns the host module a remote import is served by, if any.
func BuiltinRemoteModule(url string) (string, bool) {
	for _, l := range builtinJSLibs {
		if l.Match.MatchString(url) {
			return l.Module, true
		}
	}
	return "", false
}

func builtinURLs() string {
	urls := make([]string, len(builtinJSLibs))
	for i, l := range builtinJSLibs {
		urls[i] = l.URL
	}
	return strings.Join(urls, ", ")
}

// refuseRemote stops http(s) imports before esbuild tries to fetch or resolve them, except
// for the built-in jslibs, which become imports of host modules.
var refuseRemote = api.Plugin{
	Name: "refuse-remote",
	Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: `^(https?|file)://`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			if mod, ok := BuiltinRemoteModule(a.Path); ok {
				return api.OnResolveResult{Path: mod, External: true}, nil
			}
			if remoteImport.MatchString(a.Path) {
				return api.OnResolveResult{}, fmt.Errorf("remote module %q is not supported: download it next to the script and import it by relative path (the remote modules built in are %s)", a.Path, builtinURLs())
			}
			return api.OnResolveResult{}, nil
		})
	},
}

func formatMessages(msgs []api.Message) string {
	parts := make([]string, 0, len(msgs))
	for _, m := range msgs {
		s := m.Text
		if m.Location != nil {
			s = fmt.Sprintf("%s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column+1, m.Text)
			if m.Location.LineText != "" {
				s += "\n    " + m.Location.LineText
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// isEmpty says whether bundled code holds nothing but esbuild's source map comment: the
// script had no statement. Its source map would have no mappings, which the runtime
// reports in terms no user should have to decode.
func isEmpty(code string) bool {
	for _, line := range strings.Split(code, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "//# sourceMappingURL=") && line != `"use strict";` {
			return false
		}
	}
	return true
}
