package dashboard

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Names, codes, checks and thresholds from a script reach the page as text: a control
// character must show as a visible escape, and the report file must hold none raw.
func TestReportShowsControlCharactersAsEscapes(t *testing.T) {
	c := NewConfig()
	c.Title = "script\x1b[2J.js"
	c.Thresholds = func() []ThresholdResult {
		return []ThresholdResult{{Key: "neo4j_query_duration{name:q\x00}", Source: "p(95)<1", Pass: false, Value: "p(95)=2ms"}}
	}
	o, err := NewOutput(c)
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(t)
	o.AddSamples([]metrics.SampleContainer{
		r.query(base, "q\x00name\n<b>", "read", 1, "code\x07"),
		r.check(base, "check\x1b[31m\u0085", true),
	})
	o.stopped = true
	var b strings.Builder
	if err := o.WriteReport(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for i, r := range page {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("raw control character %U at byte %d of the report", r, i)
		}
	}
	s := reportData(t, page)
	checks := map[string]string{
		"title":     s.Title,
		"name":      s.Names[0].Name,
		"query row": s.Queries[0].Name,
		"code":      s.Errors[0].Code,
		"check":     s.Checks[0].Name,
		"threshold": s.Thresholds[0].Key,
	}
	want := map[string]string{
		"title":     `script\x1b[2J.js`,
		"name":      `q\x00name\n<b>`,
		"query row": `q\x00name\n<b>`,
		"code":      `code\x07`,
		"check":     `check\x1b[31m\u0085`,
		"threshold": `neo4j_query_duration{name:q\x00}`,
	}
	for k, got := range checks {
		if got != want[k] {
			t.Errorf("%s = %q, want %q", k, got, want[k])
		}
	}
}

// 100 000 distinct query and check names keep every table of the page at its cap plus one
// "(other)" row.
func TestAggregatorStaysBoundedFor100000Names(t *testing.T) {
	r := newRun(t)
	a := newAggregator(time.Second, DefaultMaxBuckets, DefaultMaxSeries)
	warned := map[string]int{}
	a.onCap = func(what string, limit int) { warned[what]++ }
	for i := range 100_000 {
		n := strconv.Itoa(i)
		addAll(a, r.query(base, "q"+n, "read", 1, "code"+n))
		a.add(ptr(r.check(base, "c"+n, true)))
	}
	s := a.snapshot()
	if len(s.Names) > DefaultMaxSeries || len(s.Errors) > DefaultMaxSeries || len(s.Queries) > DefaultMaxSeries || len(s.Checks) > 5*DefaultMaxSeries+1 {
		t.Fatalf("%d names, %d codes, %d rows, %d checks", len(s.Names), len(s.Errors), len(s.Queries), len(s.Checks))
	}
	if last := s.Checks[len(s.Checks)-1]; last.Name != other || last.Passes != 100_000-5*DefaultMaxSeries {
		t.Fatalf("last check %+v", last)
	}
	if warned["query names"] != 1 || warned["error codes"] != 1 || warned["checks"] != 1 {
		t.Errorf("warnings %v, want one each for query names, error codes and checks", warned)
	}
	if len(a.tagCache) > tagCacheMax {
		t.Fatalf("tag cache %d", len(a.tagCache))
	}
}

func ptr[T any](v T) *T { return &v }
