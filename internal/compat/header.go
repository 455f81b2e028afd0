// Package compat holds the k6 compatibility corpus's runner: every script under
// testdata/compat/<area>/ carries, in a header of `// key: value` lines, what k6's
// documentation says running it produces (exit code, iterations, checks, metrics, output
// lines), and compat_test.go runs the real binary on each and compares. The format is
// described in testdata/compat/README.md.
package compat

import (
	"bufio"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Script is one corpus script's header, parsed.
type Script struct {
	Path string

	Note       []string
	Args       []string
	Env        []string // KEY=VALUE for the process, beyond the filtered environment
	NeedsNeo4j bool
	Timeout    time.Duration

	Exit       int
	Iterations *Range   // sum of the iterations samples
	Checks     *[2]int  // passed / total
	Metrics    []Metric // other metric assertions
	Elapsed    *Range   // wall-clock seconds of the whole process

	Stdout, Stderr     []string // substrings that must appear
	NoStdout, NoStderr []string // substrings that must not appear
	Files              []FileExpect
}

// Range is an inclusive interval of numbers; a single number is Min == Max.
type Range struct{ Min, Max float64 }

func (r Range) String() string {
	if r.Min == r.Max {
		return strconv.FormatFloat(r.Min, 'g', -1, 64)
	}
	return strconv.FormatFloat(r.Min, 'g', -1, 64) + ".." + strconv.FormatFloat(r.Max, 'g', -1, 64)
}

// Contains says whether v lies in r.
func (r Range) Contains(v float64) bool { return v >= r.Min && v <= r.Max }

// Metric is "NAME{tag:value,...} AGG OP NUMBER" evaluated over the --out json samples.
type Metric struct {
	Text  string // as written, for messages
	Name  string
	Tags  map[string]string
	Agg   string // count, sum, min, max, rate
	Op    string
	Value float64
}

// FileExpect is "PATH SUBSTRING": a file the run writes (relative to its working
// directory) must exist and contain SUBSTRING ("" for any content).
type FileExpect struct{ Path, Contains string }

var (
	headerLine = regexp.MustCompile(`^//\s*([a-z][a-z0-9-]*):\s?(.*)$`)
	metricRe   = regexp.MustCompile(`^([A-Za-z0-9_]+)(\{[^}]*\})?\s+(count|sum|min|max|rate)\s*(==|!=|<=|>=|<|>)\s*(-?[0-9.eE+]+)$`)
	aggOps     = map[string]func(a, b float64) bool{
		"==": func(a, b float64) bool { return math.Abs(a-b) < 1e-9 },
		"!=": func(a, b float64) bool { return math.Abs(a-b) >= 1e-9 },
		"<":  func(a, b float64) bool { return a < b },
		"<=": func(a, b float64) bool { return a <= b },
		">":  func(a, b float64) bool { return a > b },
		">=": func(a, b float64) bool { return a >= b },
	}
)

// Parse reads the header: the leading lines of src that start with "//". Every one of them
// must be a known `// key: value`; the header ends at the first other line. A mistyped key
// is an error rather than a silently ignored expectation.
func Parse(path, src string) (*Script, error) {
	s := &Script{Path: path, Exit: -1, Timeout: 30 * time.Second}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if !strings.HasPrefix(line, "//") {
			break
		}
		if strings.TrimSpace(strings.TrimPrefix(line, "//")) == "" {
			continue // a blank comment line separates groups of keys
		}
		m := headerLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: header line %q is not `// key: value` (free text goes in `// note: ...`)", path, n, line)
		}
		key, val := m[1], strings.TrimSpace(m[2])
		if err := s.set(key, val); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, n, key, err)
		}
	}
	if s.Exit < 0 {
		return nil, fmt.Errorf("%s: the header has no `// expect-exit: N` (every script states its exit code)", path)
	}
	return s, nil
}

func (s *Script) set(key, val string) error {
	needVal := func() error {
		if val == "" {
			return fmt.Errorf("empty value")
		}
		return nil
	}
	switch key {
	case "note":
		s.Note = append(s.Note, val)
	case "args":
		a, err := splitArgs(val)
		if err != nil {
			return err
		}
		s.Args = append(s.Args, a...)
	case "env":
		if k, _, ok := strings.Cut(val, "="); !ok || k == "" {
			return fmt.Errorf("%q is not KEY=VALUE", val)
		}
		s.Env = append(s.Env, val)
	case "needs":
		if val != "neo4j" {
			return fmt.Errorf("unknown need %q (only neo4j)", val)
		}
		s.NeedsNeo4j = true
	case "timeout":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a positive duration", val)
		}
		s.Timeout = d
	case "expect-exit":
		if s.Exit >= 0 {
			return fmt.Errorf("given twice")
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > 255 {
			return fmt.Errorf("%q is not an exit code 0..255", val)
		}
		s.Exit = n
	case "expect-iterations":
		r, err := parseRange(val)
		if err != nil {
			return err
		}
		s.Iterations = &r
	case "expect-elapsed":
		r, err := parseRange(strings.ReplaceAll(val, "s", ""))
		if err != nil {
			return fmt.Errorf("%v (seconds, e.g. 2.5..6)", err)
		}
		s.Elapsed = &r
	case "expect-checks":
		p, t, ok := strings.Cut(val, "/")
		pn, err1 := strconv.Atoi(strings.TrimSpace(p))
		tn, err2 := strconv.Atoi(strings.TrimSpace(t))
		if !ok || err1 != nil || err2 != nil || pn < 0 || pn > tn {
			return fmt.Errorf("%q is not PASSED/TOTAL", val)
		}
		s.Checks = &[2]int{pn, tn}
	case "expect-metric":
		m := metricRe.FindStringSubmatch(val)
		if m == nil {
			return fmt.Errorf("%q is not `NAME{tag:value} AGG OP NUMBER` with AGG count|sum|min|max|rate", val)
		}
		v, err := strconv.ParseFloat(m[5], 64)
		if err != nil {
			return fmt.Errorf("%q: %v", m[5], err)
		}
		mt := Metric{Text: val, Name: m[1], Agg: m[3], Op: m[4], Value: v}
		if m[2] != "" {
			mt.Tags = map[string]string{}
			for _, kv := range strings.Split(strings.Trim(m[2], "{}"), ",") {
				k, v, ok := strings.Cut(kv, ":")
				if !ok {
					return fmt.Errorf("tag %q is not key:value", kv)
				}
				mt.Tags[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		s.Metrics = append(s.Metrics, mt)
	case "expect-stdout", "expect-stderr", "expect-no-stdout", "expect-no-stderr":
		if err := needVal(); err != nil {
			return err
		}
		switch key {
		case "expect-stdout":
			s.Stdout = append(s.Stdout, val)
		case "expect-stderr":
			s.Stderr = append(s.Stderr, val)
		case "expect-no-stdout":
			s.NoStdout = append(s.NoStdout, val)
		default:
			s.NoStderr = append(s.NoStderr, val)
		}
	case "expect-file":
		if err := needVal(); err != nil {
			return err
		}
		p, c, _ := strings.Cut(val, " ")
		if strings.Contains(p, "..") || strings.HasPrefix(p, "/") {
			return fmt.Errorf("%q must be a path inside the run's directory", p)
		}
		s.Files = append(s.Files, FileExpect{Path: p, Contains: strings.TrimSpace(c)})
	default:
		return fmt.Errorf("unknown key (known: note, args, env, needs, timeout, expect-exit, expect-iterations, expect-checks, expect-metric, expect-elapsed, expect-stdout, expect-stderr, expect-no-stdout, expect-no-stderr, expect-file)")
	}
	return nil
}

func parseRange(val string) (Range, error) {
	lo, hi, isRange := strings.Cut(val, "..")
	a, err := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if err != nil {
		return Range{}, fmt.Errorf("%q is not a number or MIN..MAX", val)
	}
	if !isRange {
		return Range{a, a}, nil
	}
	b, err := strconv.ParseFloat(strings.TrimSpace(hi), 64)
	if err != nil || b < a {
		return Range{}, fmt.Errorf("%q is not a number or MIN..MAX", val)
	}
	return Range{a, b}, nil
}

// splitArgs splits like a shell without expansion: white space separates, '...' and "..."
// quote (no escapes inside single quotes; \" and \\ inside double ones).
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inArg := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inArg {
				out = append(out, cur.String())
				cur.Reset()
				inArg = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inArg = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unclosed \" in %q", s)
			}
			inArg = true
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		out = append(out, cur.String())
	}
	return out, nil
}
