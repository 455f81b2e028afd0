package loader

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Top-level await, which k6's documentation uses for k6/experimental/fs and csv
// (`const file = await open('data.csv')`), cannot be expressed in CommonJS. A script that
// uses it is bundled as an ES module instead and turned into a script by hand: the
// imports (all of host modules: local ones are bundled in) become require() calls, the
// body runs in an async function, and the exports are assigned to module.exports at its
// end. The runtime awaits init's promises before reading the exports, so options and the
// default function are there by the time they are needed. Every rewrite keeps the line
// count, so the source map still points at the user's lines.

// needsTopLevelAwait says whether esbuild refused the CommonJS build because of top-level
// await and nothing else.
func needsTopLevelAwait(msgs []api.Message) bool {
	for _, m := range msgs {
		if !strings.HasPrefix(m.Text, "Top-level await is not available") {
			return false
		}
	}
	return len(msgs) > 0
}

var (
	importLine = regexp.MustCompile(`^import\s+(.*?)\s*from\s*("[^"]*");?$`)
	bareImport = regexp.MustCompile(`^import\s*("[^"]*");?$`)
	exportOpen = regexp.MustCompile(`^export\s*\{\s*$`)
	exportItem = regexp.MustCompile(`^\s*([\w$]+)(?:\s+as\s+([\w$]+|"[^"]*"))?,?\s*$`)
	nsClause   = regexp.MustCompile(`^\*\s+as\s+([\w$]+)$`)
)

// asyncScript rewrites esbuild's ES module output into a script with CommonJS globals.
func asyncScript(code string) (string, error) {
	lines := strings.Split(code, "\n")
	n := 0
	inExport := false
	var body []string
	for _, line := range lines {
		switch {
		case inExport:
			t := strings.TrimSpace(line)
			if t == "};" || t == "}" {
				inExport = false
				body = append(body, "});")
				continue
			}
			m := exportItem.FindStringSubmatch(line)
			if m == nil {
				return "", fmt.Errorf("cannot read the export %q", t)
			}
			name := m[2]
			if name == "" {
				name = m[1]
			}
			body = append(body, fmt.Sprintf("%s: %s,", name, m[1]))
		case exportOpen.MatchString(line):
			inExport = true
			body = append(body, "Object.assign(module.exports, {")
		case strings.HasPrefix(line, "export "):
			return "", fmt.Errorf("cannot turn %q into CommonJS", line)
		case bareImport.MatchString(line):
			body = append(body, "require("+bareImport.FindStringSubmatch(line)[1]+");")
		case importLine.MatchString(line):
			m := importLine.FindStringSubmatch(line)
			s, err := importBindings(m[1], m[2], &n)
			if err != nil {
				return "", err
			}
			body = append(body, s)
		default:
			body = append(body, line)
		}
	}
	// The async function goes around everything but the source map comment, which must
	// stay last; the prefix goes on the first line so no line moves.
	last := len(body) - 1
	for last > 0 && (strings.TrimSpace(body[last]) == "" || strings.HasPrefix(body[last], "//# sourceMappingURL=")) {
		last--
	}
	body[0] = "(async () => { " + body[0]
	body[last] += "\n})();"
	return strings.Join(body, "\n"), nil
}

// importBindings turns one import clause into const declarations on one line.
func importBindings(clause, from string, n *int) (string, error) {
	*n++
	mod := fmt.Sprintf("__k6mod%d", *n)
	out := []string{fmt.Sprintf("const %s = require(%s);", mod, from)}
	clause = strings.TrimSpace(clause)
	for clause != "" {
		switch {
		case strings.HasPrefix(clause, "{"):
			end := strings.Index(clause, "}")
			if end < 0 {
				return "", fmt.Errorf("cannot read the import %q", clause)
			}
			var parts []string
			for _, it := range strings.Split(clause[1:end], ",") {
				it = strings.TrimSpace(it)
				if it == "" {
					continue
				}
				f := strings.Fields(it)
				switch {
				case len(f) == 1:
					parts = append(parts, f[0])
				case len(f) == 3 && f[1] == "as":
					parts = append(parts, f[0]+": "+f[2])
				default:
					return "", fmt.Errorf("cannot read the import %q", it)
				}
			}
			out = append(out, fmt.Sprintf("const { %s } = %s;", strings.Join(parts, ", "), mod))
			clause = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(clause[end+1:]), ","))
		default:
			head, rest, _ := strings.Cut(clause, ",")
			head = strings.TrimSpace(head)
			if m := nsClause.FindStringSubmatch(head); m != nil {
				out = append(out, fmt.Sprintf("const %s = %s;", m[1], mod))
			} else {
				// A default import: what the host module exports as default.
				out = append(out, fmt.Sprintf("const %s = %s.__esModule ? %s.default : %s;", head, mod, mod, mod))
			}
			clause = strings.TrimSpace(rest)
		}
	}
	return strings.Join(out, " "), nil
}
