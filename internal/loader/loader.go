// Package loader turns a user's script, with its local imports, into one CommonJS program the
// JavaScript runtime can run: esbuild bundles ES modules and TypeScript, leaves the host's
// modules (k6, k6/...) to require(), and refuses remote imports with a clear error.
package loader

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Bundle is a loaded script.
type Bundle struct {
	// Path is the script's absolute path; Dir its folder, against which open() resolves.
	Path, Dir string
	// Code is CommonJS with an inline source map, so stack traces name the user's files.
	Code string
}

// ErrScript wraps every problem found in the user's script.
var ErrScript = errors.New("script error")

// ErrEmpty is a script with no code at all (empty, or only comments); it is an ErrScript.
var ErrEmpty = fmt.Errorf("%w", ErrScript)

var remoteImport = regexp.MustCompile(`^(https?|file)://`)

// Load bundles the script at path.
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
	dir := filepath.Dir(abs)
	res := api.Build(api.BuildOptions{
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
	})
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrScript, formatMessages(res.Errors))
	}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".js") {
			code := string(f.Contents)
			if isEmpty(code) {
				return nil, fmt.Errorf("%w: %s: the script is empty: it must export a default function (export default function () { ... })", ErrEmpty, path)
			}
			return &Bundle{Path: abs, Dir: dir, Code: code}, nil
		}
	}
	return nil, fmt.Errorf("%w: bundling %s produced no code", ErrScript, path)
}

// refuseRemote stops http(s) imports before esbuild tries to fetch or resolve them.
var refuseRemote = api.Plugin{
	Name: "refuse-remote",
	Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: `^(https?|file)://`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			// k6's summary library is built in: scripts that import it run unchanged.
			if strings.HasPrefix(a.Path, "https://jslib.k6.io/k6-summary/") {
				return api.OnResolveResult{Path: "k6-summary", External: true}, nil
			}
			if remoteImport.MatchString(a.Path) {
				return api.OnResolveResult{}, fmt.Errorf("remote module %q is not supported: download it next to the script and import it by relative path", a.Path)
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
