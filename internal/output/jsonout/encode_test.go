package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestAppendPoint(t *testing.T) {
	dur := &metrics.Metric{Name: "neo4j_query_duration", Type: metrics.Trend, Contains: metrics.Time}
	vus := &metrics.Metric{Name: "vus", Type: metrics.Gauge}
	plus2 := time.FixedZone("", 2*60*60)
	tests := []struct {
		name string
		s    metrics.Sample
		want string
	}{{
		name: "nanoseconds, zone and tags (k6's example)",
		s: metrics.Sample{Metric: dur, Time: time.Date(2017, 5, 9, 14, 34, 45, 239531499, plus2), Value: 459.865729,
			Tags: metrics.NewTagSet(map[string]string{"status": "200", "group": "::my group::json", "method": "GET"})},
		want: `{"metric":"neo4j_query_duration","type":"Point","data":{"time":"2017-05-09T14:34:45.239531499+02:00","value":459.865729,"tags":{"group":"::my group::json","method":"GET","status":"200"}}}` + "\n",
	}, {
		name: "no tags is null, whole seconds drop the fraction",
		s:    metrics.Sample{Metric: vus, Time: time.Date(2021, 2, 24, 13, 37, 10, 0, time.UTC), Value: 5},
		want: `{"metric":"vus","type":"Point","data":{"time":"2021-02-24T13:37:10Z","value":5,"tags":null}}` + "\n",
	}, {
		name: "trailing zeros of the fraction dropped",
		s:    metrics.Sample{Metric: vus, Time: time.Date(2021, 2, 24, 13, 37, 10, 120000000, time.UTC), Value: 1e-7, Tags: &metrics.TagSet{}},
		want: `{"metric":"vus","type":"Point","data":{"time":"2021-02-24T13:37:10.12Z","value":1e-7,"tags":null}}` + "\n",
	}, {
		name: "text that needs escaping",
		s: metrics.Sample{Metric: dur, Time: time.Date(2021, 2, 24, 13, 37, 10, 1, time.UTC), Value: math.NaN(),
			Tags: metrics.NewTagSet(map[string]string{"name": "MATCH (n {id: \"x\"})\nRETURN n<>1 & \\"})},
		want: `{"metric":"neo4j_query_duration","type":"Point","data":{"time":"2021-02-24T13:37:10.000000001Z","value":null,"tags":{"name":"MATCH (n {id: \"x\"})\nRETURN n<>1 & \\"}}}` + "\n",
	}}
	e := newEncoder(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(e.appendPoint(nil, &tt.s)); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 1.5, 459.865729, 0.1, 1e-6, 9.99e-7, 1e-7, 123456789, 1e20, 1e21, 1.5e300,
		-2.5e-10, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 / 3.0, 100, 12345.678} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, encoding/json writes %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := string(appendFloat(nil, f)); got != "null" {
			t.Errorf("appendFloat(%v) = %s, want null", f, got)
		}
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "new\nline", "tab\t", "\r", "\x00\x01\x1f\x7f",
		"p(95)<200 && x>1", "é ü 中文 🙂", "line\u2028sep\u2029", "\b\f"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("appendString(%q) = %s: reads back as %q (%v)", s, got, back, err)
		}
		// encoding/json may pick \b or \u0008 depending on the Go version; both read back the same.
		if s != "\b\f" && string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("appendString(%q) = %s, encoding/json writes %s", s, got, want.Bytes())
		}
	}
	if got := string(appendString(nil, "bad\xffutf8")); got != `"bad\ufffdutf8"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}

// FuzzAppendString: whatever a script puts in a tag, the line stays valid JSON and valid
// UTF-8 text reads back unchanged.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\\n", "\xff", "\u2028", "MATCH (n) RETURN n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, got, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("appendString(%q) reads back as %q", s, back)
		}
		if bytes.IndexByte(got, '\n') >= 0 {
			t.Fatalf("appendString(%q) = %s: a raw newline would split the line", s, got)
		}
	})
}

// A NUL, an escape sequence or a line break in a tag key or value never reaches the file
// raw: the Point line holds no C0 control byte and reads back as the value the script set.
func TestPointLineEscapesControlCharacters(t *testing.T) {
	dur := &metrics.Metric{Name: "neo4j_query_duration", Type: metrics.Trend, Contains: metrics.Time}
	tags := map[string]string{"name": "q\x00\x1b[31m\n\r\t\x7f\u0085", "k\x01": "v\x1f"}
	s := metrics.Sample{Metric: dur, Time: time.Unix(1, 0).UTC(), Value: 1, Tags: metrics.NewTagSet(tags)}
	line := newEncoder(nil).appendPoint(nil, &s)
	body := bytes.TrimSuffix(line, []byte("\n"))
	for i, c := range body {
		if c < 0x20 {
			t.Fatalf("raw control byte %#x at %d of %q", c, i, line)
		}
	}
	var p struct {
		Data struct {
			Tags map[string]string `json:"tags"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	for k, v := range tags {
		if p.Data.Tags[k] != v {
			t.Errorf("tag %q reads back as %q, want %q", k, p.Data.Tags[k], v)
		}
	}
}
