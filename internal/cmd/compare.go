package cmd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/xk6-neo4j/xk6-neo4j/internal/summary"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

const compareUsage = `Usage: xk6-neo4j compare A B

Shows two runs side by side: for each query (name and mode) in either run its count, error
rate and p(50), p(95), p(99) latency in A and in B, with the change as a ratio B/A (above 1:
B is slower, or had more). At the top: the server(s) each run tested and its tags (--tag),
with what differs between the two.

A and B are each either a file of --out json (NDJSON, .gz too) or handleSummary's data as
the script wrote it (JSON.stringify(data)).

Exit codes: 0 when both runs were read, 104 when a file cannot be read or holds no queries,
255 for a wrong command line.
`

// compareRun is one side of a comparison: what was read from one file.
type compareRun struct {
	path    string
	kind    string // "--out json" or "handleSummary data"
	servers []summary.Server
	tags    map[string]string
	queries map[compareKey]*compareRow
}

// compareKey is a query as the summary's table keys it.
type compareKey struct{ name, mode string }

// compareRow is one query's figures in one run; durations in milliseconds.
type compareRow struct {
	count, failures uint64
	p50, p95, p99   float64
	trend           *metrics.TrendSink // while --out json's points are read
}

// errNotARun marks a file that is neither kind of run, or a run without queries.
var errNotARun = errors.New("not a run to compare")

func compareCommand(gs *GlobalState, args []string) int {
	var paths []string
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help":
			fmt.Fprint(gs.Stdout, compareUsage)
			return ExitOK
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(gs.Stderr, "error: compare: unknown flag %q\n\n%s", a, compareUsage)
			return ExitUsage
		}
		paths = append(paths, a)
	}
	if len(paths) != 2 {
		fmt.Fprintf(gs.Stderr, "error: compare takes two files, A and B; got %d\n\n%s", len(paths), compareUsage)
		return ExitUsage
	}
	var runs [2]*compareRun
	for i, p := range paths {
		r, err := readCompareRun(p)
		if err != nil {
			fmt.Fprintf(gs.Stderr, "error: compare: %v\n", err)
			return ExitInvalidConfig
		}
		runs[i] = r
	}
	writeComparison(gs.Stdout, runs[0], runs[1])
	return ExitOK
}

// readCompareRun reads a run from path: --out json's NDJSON (gzip-compressed or not) when
// its first line is one of that format's lines, else handleSummary's data.
func readCompareRun(path string) (*compareRun, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	rd := bufio.NewReaderSize(f, 64<<10)
	if magic, _ := rd.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("%s: a gzip file that cannot be read: %w", path, err)
		}
		defer gz.Close()
		rd = bufio.NewReaderSize(gz, 64<<10)
	}
	run := &compareRun{path: path, queries: map[compareKey]*compareRow{}}
	if err := run.read(rd); err != nil {
		return nil, err
	}
	if len(run.queries) == 0 {
		what := "no neo4j_query_duration points"
		if run.kind == "handleSummary data" {
			what = "data.queries is empty"
		}
		return nil, fmt.Errorf("%s (%s): the run has no queries (%s): %w", path, run.kind, what, errNotARun)
	}
	return run, nil
}

// ndjsonLine is a line of --out json.
type ndjsonLine struct {
	Type   string            `json:"type"`
	Metric string            `json:"metric"`
	Data   json.RawMessage   `json:"data"`
	Tags   map[string]string `json:"tags"`
}

// read tells the kind of file by its first line and reads it.
func (run *compareRun) read(rd io.Reader) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: line 1: %w", run.path, err)
		}
		return fmt.Errorf("%s: the file is empty: %w", run.path, errNotARun)
	}
	first := append([]byte(nil), sc.Bytes()...)
	var l ndjsonLine
	if json.Unmarshal(first, &l) == nil && (l.Type == "Metric" || l.Type == "Point" || l.Type == "Server") {
		run.kind = "--out json"
		return run.readNDJSON(sc, first)
	}
	// The rest of the file with the first line: one JSON document.
	var doc bytes.Buffer
	doc.Write(first)
	for sc.Scan() {
		doc.WriteByte('\n')
		doc.Write(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", run.path, err)
	}
	run.kind = "handleSummary data"
	return run.readSummaryData(doc.Bytes(), first)
}

// readNDJSON reads --out json's lines: the Server lines and the points of
// neo4j_query_duration (tags name, mode and status, as the summary's table counts them).
func (run *compareRun) readNDJSON(sc *bufio.Scanner, first []byte) error {
	var pt struct {
		Value *float64          `json:"value"`
		Tags  map[string]string `json:"tags"`
	}
	line := 1
	handle := func(b []byte) error {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil
		}
		var l ndjsonLine
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("%s: line %d is not JSON (%v): a file of --out json has one JSON object per line", run.path, line, err)
		}
		switch {
		case l.Type == "Server":
			var s summary.Server
			if err := json.Unmarshal(l.Data, &s); err != nil {
				return fmt.Errorf("%s: line %d: a Server line whose data is not a server: %v", run.path, line, err)
			}
			run.servers = append(run.servers, s)
			if len(l.Tags) > 0 {
				run.tags = l.Tags
			}
		case l.Type == "Point" && l.Metric == "neo4j_query_duration":
			pt.Value, pt.Tags = nil, nil
			if err := json.Unmarshal(l.Data, &pt); err != nil || pt.Value == nil {
				return fmt.Errorf("%s: line %d: a neo4j_query_duration point without a numeric value", run.path, line)
			}
			k := compareKey{pt.Tags["name"], pt.Tags["mode"]}
			row := run.queries[k]
			if row == nil {
				row = &compareRow{trend: metrics.NewTrendSink()}
				run.queries[k] = row
			}
			row.count++
			if pt.Tags["status"] != "ok" {
				row.failures++
			}
			row.trend.Add(*pt.Value)
		}
		return nil
	}
	if err := handle(first); err != nil {
		return err
	}
	for sc.Scan() {
		line++
		if err := handle(sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: after line %d: %w", run.path, line, err)
	}
	for _, row := range run.queries {
		row.p50, row.p95, row.p99 = row.trend.P(0.5), row.trend.P(0.95), row.trend.P(0.99)
		row.trend = nil
	}
	return nil
}

// readSummaryData reads handleSummary's data: data.queries and data.neo4j.
func (run *compareRun) readSummaryData(doc, first []byte) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(doc, &probe); err != nil {
		var se *json.SyntaxError
		where := ""
		if errors.As(err, &se) {
			where = fmt.Sprintf(" at line %d", 1+bytes.Count(doc[:min(int(se.Offset), len(doc))], []byte("\n")))
		}
		return fmt.Errorf("%s: neither a file of --out json (line 1 is %s) nor handleSummary's data (not JSON%s: %v): %w",
			run.path, describeLine(first), where, err, errNotARun)
	}
	if _, ok := probe["metrics"]; !ok {
		return fmt.Errorf("%s: a JSON document without \"metrics\": not handleSummary's data (JSON.stringify(data)) nor --out json: %w", run.path, errNotARun)
	}
	if _, ok := probe["queries"]; !ok {
		return fmt.Errorf("%s: handleSummary's data without \"queries\" (the per-query table; k6's own data has none): %w", run.path, errNotARun)
	}
	var d struct {
		Queries []summary.DataQuery `json:"queries"`
		Neo4j   *struct {
			Servers []summary.Server  `json:"servers"`
			Tags    map[string]string `json:"tags"`
		} `json:"neo4j"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("%s: handleSummary's data in an unexpected shape: %v: %w", run.path, err, errNotARun)
	}
	for _, q := range d.Queries {
		run.queries[compareKey{q.Name, q.Mode}] = &compareRow{count: q.Count, failures: q.Failures, p50: q.P50, p95: q.P95, p99: q.P99}
	}
	if d.Neo4j != nil {
		run.servers, run.tags = d.Neo4j.Servers, d.Neo4j.Tags
	}
	return nil
}

// describeLine names what a line that is not of --out json starts with, for a message.
func describeLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	if s == "" {
		return "empty"
	}
	return fmt.Sprintf("%q", s)
}

// writeComparison prints the runs' servers and tags, what differs between them, and the
// per-query table.
func writeComparison(w io.Writer, a, b *compareRun) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("\n")
	for i, r := range []*compareRun{a, b} {
		p("  %s: %s (%s)\n", "AB"[i:i+1], metrics.EscapeControl(r.path), r.kind)
		if len(r.servers) == 0 {
			p("     server: not known\n")
		}
		for _, s := range r.servers {
			p("     server: %s\n", metrics.EscapeControl(s.Describe()))
		}
		p("       tags: %s\n", metrics.EscapeControl(formatTags(r.tags)))
	}
	if diffs := runDifferences(a, b); len(diffs) > 0 {
		p("\n  differs:\n")
		for _, d := range diffs {
			p("    ≠ %s\n", metrics.EscapeControl(d))
		}
	} else if len(a.servers) > 0 {
		p("\n  same server(s) and tags\n")
	}

	keys := make([]compareKey, 0, len(a.queries)+len(b.queries))
	for k := range a.queries {
		keys = append(keys, k)
	}
	for k := range b.queries {
		if a.queries[k] == nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].name != keys[j].name {
			return keys[i].name < keys[j].name
		}
		return keys[i].mode < keys[j].mode
	})
	ms := summary.TimeFormat("")
	p("\n  █ QUERIES (B/A: the change from A to B, above 1 is slower or more)\n")
	for _, k := range keys {
		ra, rb := a.queries[k], b.queries[k]
		note := ""
		switch {
		case ra == nil:
			note = "  (only in B)"
		case rb == nil:
			note = "  (only in A)"
		}
		p("\n    %s  %s%s\n", metrics.EscapeControl(k.name), metrics.EscapeControl(k.mode), note)
		p("      %-12s %12s %12s %8s\n", "", "A", "B", "B/A")
		row := func(label string, get func(*compareRow) float64, format func(float64) string) {
			va, vb, ok := 0.0, 0.0, ra != nil && rb != nil
			sa, sb := "-", "-"
			if ra != nil {
				va = get(ra)
				sa = format(va)
			}
			if rb != nil {
				vb = get(rb)
				sb = format(vb)
			}
			p("      %-12s %12s %12s %8s\n", label, sa, sb, ratio(va, vb, ok))
		}
		row("count", func(r *compareRow) float64 { return float64(r.count) }, func(v float64) string { return fmt.Sprintf("%.0f", v) })
		row("error rate", errorRate, func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) })
		row("p(50)", func(r *compareRow) float64 { return r.p50 }, ms)
		row("p(95)", func(r *compareRow) float64 { return r.p95 }, ms)
		row("p(99)", func(r *compareRow) float64 { return r.p99 }, ms)
	}
	p("\n")
}

func errorRate(r *compareRow) float64 {
	if r.count == 0 {
		return 0
	}
	return float64(r.failures) / float64(r.count)
}

// ratio is B/A to two decimals; "-" when a side is missing or both are 0, "new" when only
// B has some.
func ratio(a, b float64, both bool) string {
	switch {
	case !both || (a == 0 && b == 0):
		return "-"
	case a == 0:
		return "new"
	}
	r := b / a
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2f", r)
}

// formatTags is k=v pairs sorted by key, or "none known".
func formatTags(tags map[string]string) string {
	if len(tags) == 0 {
		return "none known"
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, " ")
}

// runDifferences names what differs between the two runs' servers (version, edition,
// address, database, by identity) and tags.
func runDifferences(a, b *compareRun) []string {
	var out []string
	field := func(name string, get func(summary.Server) string) {
		va, vb := serverField(a.servers, get), serverField(b.servers, get)
		if va != vb {
			out = append(out, fmt.Sprintf("%s: %s in A, %s in B", name, orNone(va), orNone(vb)))
		}
	}
	if len(a.servers) > 0 || len(b.servers) > 0 {
		field("version", func(s summary.Server) string { return s.Version })
		field("edition", func(s summary.Server) string { return s.Edition })
		field("address", func(s summary.Server) string { return s.Address })
		field("database", func(s summary.Server) string {
			if s.DefaultDatabase {
				return s.Database + " (default)"
			}
			return s.Database
		})
	}
	keys := map[string]bool{}
	for k := range a.tags {
		keys[k] = true
	}
	for k := range b.tags {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		va, oka := a.tags[k]
		vb, okb := b.tags[k]
		if va != vb || oka != okb {
			out = append(out, fmt.Sprintf("tag %s: %s in A, %s in B", k, orNone(va), orNone(vb)))
		}
	}
	return out
}

// serverField is a field over a run's servers: the distinct values, in order, joined.
func serverField(servers []summary.Server, get func(summary.Server) string) string {
	var vals []string
	seen := map[string]bool{}
	for _, s := range servers {
		if v := get(s); v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
