package jsonout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// newFixture's samples are a microsecond apart; but for one in ten, they have the tags mode,
// name and db.
func newFixture(t testing.TB) outputtest.Fixture {
	return outputtest.NewFixture(t, time.Microsecond, func(i int) map[string]string {
		return map[string]string{
			"mode": []string{"read", "write", "auto"}[i%3],
			"name": "q" + strconv.Itoa(i%7),
			"db":   "neo4j",
		}
	})
}

func start(t testing.TB, p output.Params) *Output {
	t.Helper()
	o := newOutput(p)
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	return o
}

type envelope struct {
	Type   string          `json:"type"`
	Data   json.RawMessage `json:"data"`
	Metric string          `json:"metric"`
}

type pointData struct {
	Time  time.Time         `json:"time"`
	Value float64           `json:"value"`
	Tags  map[string]string `json:"tags"`
}

type metricData struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Contains   string   `json:"contains"`
	Thresholds []string `json:"thresholds"`
	Submetrics []struct {
		Name   string            `json:"name"`
		Suffix string            `json:"suffix"`
		Tags   map[string]string `json:"tags"`
	} `json:"submetrics"`
}

// The layout, key order included, of the two kinds of line.
var (
	pointRE  = regexp.MustCompile(`^\{"metric":"[^"]+","type":"Point","data":\{"time":"[^"]+","value":[-0-9.e+]+,"tags":(null|\{.*\})\}\}$`)
	metricRE = regexp.MustCompile(`^\{"type":"Metric","data":\{"name":"[^"]+","type":"(counter|gauge|rate|trend)","contains":"(default|time|data)","thresholds":\[.*\],"submetrics":(null|\[.*\])\},"metric":"[^"]+"\}$`)
)

// checkFile parses every line and checks the file holds samples [0, n) of f exactly once,
// each metric described once before its first point. It returns the Metric lines by name.
func checkFile(t *testing.T, content []byte, f outputtest.Fixture, n int) map[string]metricData {
	t.Helper()
	if n == 0 {
		if len(content) != 0 {
			t.Fatalf("want an empty file, got %q", content)
		}
		return nil
	}
	if content[len(content)-1] != '\n' {
		t.Fatalf("the file does not end on a complete line: ...%q", content[max(0, len(content)-80):])
	}
	described := map[string]metricData{}
	seen := make([]bool, n)
	for ln, line := range strings.Split(strings.TrimSuffix(string(content), "\n"), "\n") {
		var env envelope
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", ln+1, err, line)
		}
		switch env.Type {
		case "Metric":
			if !metricRE.MatchString(line) {
				t.Fatalf("line %d: Metric line not in k6's layout:\n%s", ln+1, line)
			}
			var md metricData
			if err := json.Unmarshal(env.Data, &md); err != nil {
				t.Fatal(err)
			}
			if _, dup := described[env.Metric]; dup {
				t.Fatalf("line %d: %s described twice", ln+1, env.Metric)
			}
			if md.Name != env.Metric {
				t.Fatalf("line %d: data.name %q, metric %q", ln+1, md.Name, env.Metric)
			}
			described[env.Metric] = md
		case "Point":
			if !pointRE.MatchString(line) {
				t.Fatalf("line %d: Point line not in k6's layout:\n%s", ln+1, line)
			}
			md, ok := described[env.Metric]
			if !ok {
				t.Fatalf("line %d: a point of %s before its Metric line", ln+1, env.Metric)
			}
			var pd pointData
			if err := json.Unmarshal(env.Data, &pd); err != nil {
				t.Fatal(err)
			}
			i := int(pd.Value)
			if i < 0 || i >= n || pd.Value != float64(i)+0.5 {
				t.Fatalf("line %d: value %v is no sample of the test", ln+1, pd.Value)
			}
			if seen[i] {
				t.Fatalf("line %d: sample %d written twice", ln+1, i)
			}
			seen[i] = true
			want := f.Sample(i)
			if env.Metric != want.Metric.Name || md.Type != want.Metric.Type.String() || md.Contains != want.Metric.Contains.String() {
				t.Fatalf("line %d: sample %d under %s (%s of %s), want %s", ln+1, i, env.Metric, md.Type, md.Contains, want.Metric.Name)
			}
			if !pd.Time.Equal(want.Time) {
				t.Fatalf("line %d: time %v, want %v", ln+1, pd.Time, want.Time)
			}
			if fmt.Sprint(pd.Tags) != fmt.Sprint(want.Tags.Map()) || (pd.Tags == nil) != (want.Tags == nil) {
				t.Fatalf("line %d: tags %v, want %v", ln+1, pd.Tags, want.Tags.Map())
			}
		default:
			t.Fatalf("line %d: type %q", ln+1, env.Type)
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("sample %d missing", i)
		}
	}
	return described
}

func TestEverySampleOnceInK6Layout(t *testing.T) {
	for _, name := range []string{"out.json", "out.json.gz"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			const n = 5000
			for _, b := range f.Batches(0, n) {
				o.AddSamples(b)
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			described := checkFile(t, outputtest.ReadFile(t, path), f, n)
			if len(described) != len(f.Metrics) {
				t.Fatalf("%d metrics described, want %d", len(described), len(f.Metrics))
			}
			if name == "out.json.gz" {
				raw, _ := os.ReadFile(path)
				if raw[0] != 0x1f || raw[1] != 0x8b {
					t.Fatalf("not gzip: % x", raw[:2])
				}
			}
		})
	}
}

func TestMetricLineThresholdsAndSubmetrics(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.json")
	o := start(t, output.Params{Arg: path, Thresholds: map[string][]string{
		"neo4j_query_duration":                 {"p(95)<200", "avg<100"},
		"neo4j_query_duration{name:q1}":        {"p(99)<300"},
		"neo4j_query_duration{ mode : read }":  {"max<1000"},
		"neo4j_query_failed":                   {"rate<0.01"},
		"neo4j_queries{name:q1,mode:write}":    {"count>0"},
		"not a {valid key":                     {"count>0"},
		"some_metric_that_never_gets_a_sample": {"count>0"},
	}})
	for i := range 8 {
		o.AddSamples([]metrics.SampleContainer{f.Sample(i)})
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range strings.SplitSeq(string(outputtest.ReadFile(t, path)), "\n") {
		if strings.HasPrefix(line, `{"type":"Metric"`) {
			got = append(got, line)
		}
	}
	want := []string{
		`{"type":"Metric","data":{"name":"neo4j_query_duration","type":"trend","contains":"time","thresholds":["p(95)<200","avg<100"],"submetrics":[{"name":"neo4j_query_duration{mode : read}","suffix":"mode : read","tags":{"mode":"read"}},{"name":"neo4j_query_duration{name:q1}","suffix":"name:q1","tags":{"name":"q1"}}]},"metric":"neo4j_query_duration"}`,
		`{"type":"Metric","data":{"name":"neo4j_queries","type":"counter","contains":"default","thresholds":[],"submetrics":[{"name":"neo4j_queries{name:q1,mode:write}","suffix":"name:q1,mode:write","tags":{"mode":"write","name":"q1"}}]},"metric":"neo4j_queries"}`,
		`{"type":"Metric","data":{"name":"neo4j_query_failed","type":"rate","contains":"default","thresholds":["rate<0.01"],"submetrics":null},"metric":"neo4j_query_failed"}`,
		`{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Metric lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStdout(t *testing.T) {
	for _, arg := range []string{"", "-"} {
		t.Run(strconv.Quote(arg), func(t *testing.T) {
			f := newFixture(t)
			var out bytes.Buffer
			o := start(t, output.Params{Arg: arg, Stdout: &out})
			if got := o.Description(); got != "json (stdout)" {
				t.Fatalf("Description() = %q", got)
			}
			for _, b := range f.Batches(0, 100) {
				o.AddSamples(b)
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			checkFile(t, out.Bytes(), f, 100)
		})
	}
}

func TestDescription(t *testing.T) {
	o, err := New(output.Params{Arg: "results.json.gz"})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); got != "json (results.json.gz)" {
		t.Fatalf("Description() = %q", got)
	}
}

func TestEmptyRun(t *testing.T) {
	for _, name := range []string{"out.json", "out.json.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			if got := outputtest.ReadFile(t, path); len(got) != 0 {
				t.Fatalf("content %q", got)
			}
		})
	}
}
