package metrics

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		agg      string
		quantile float64
		op       string
		value    float64
	}{
		{"percentile", "p(95)<200", "p(95)", 0.95, "<", 200},
		{"spaces around the operator", "p(95) < 200", "p(95)", 0.95, "<", 200},
		{"spaces everywhere", "  avg  <=  1.5  ", "avg", 0, "<=", 1.5},
		{"tabs and newline", "\tmed\t>\t3\n", "med", 0, ">", 3},
		{"percentile with decimals", "p(99.9)<2000", "p(99.9)", 0.999, "<", 2000},
		{"percentile with more decimals", "p(99.99) < 100", "p(99.99)", 0.9999, "<", 100},
		{"spaces inside p()", "p( 90 ) > 3", "p(90)", 0.9, ">", 3},
		{"p(0)", "p(0)>=0", "p(0)", 0, ">=", 0},
		{"p(100)", "p(100)<=1", "p(100)", 1, "<=", 1},
		{"p(-0) is p(0)", "p(-0)<1", "p(0)", 0, "<", 1},
		{"p(95.0) is p(95)", "p(95.0)<1", "p(95)", 0.95, "<", 1},
		{"p(1e1) is p(10)", "p(1e1)<1", "p(10)", 0.1, "<", 1},
		{"count", "count>=500", "count", 0, ">=", 500},
		{"rate strict equality", "rate===1", "rate", 0, "===", 1},
		{"rate equality", "rate==1", "rate", 0, "==", 1},
		{"value not equal negative", "value!=-3.5", "value", 0, "!=", -3.5},
		{"min exponent", "min>-1e3", "min", 0, ">", -1000},
		{"max bare fraction", "max<.5", "max", 0, "<", 0.5},
		{"med explicit plus", "med>+2", "med", 0, ">", 2},
		{"trailing dot", "avg<5.", "avg", 0, "<", 5},
		{"rate fraction", "rate>=0.99", "rate", 0, ">=", 0.99},
		{"big exponent", "count<1e+21", "count", 0, "<", 1e21},
		{"tiny value", "avg>4.9e-324", "avg", 0, ">", 5e-324},
		{"zero", "count==0", "count", 0, "==", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseThreshold(tc.src)
			if err != nil {
				t.Fatalf("ParseThreshold(%q): %v", tc.src, err)
			}
			want := Threshold{Source: tc.src, Agg: tc.agg, Quantile: tc.quantile, Op: tc.op, Value: tc.value}
			// N/100 is computed at run time, so p(99.9) gives 0.9990000000000001.
			if math.Abs(got.Quantile-want.Quantile) < 1e-15 {
				want.Quantile = got.Quantile
			}
			if got != want {
				t.Errorf("ParseThreshold(%q)\n got %+v\nwant %+v", tc.src, got, want)
			}
			if _, err := ParseTrendStat(got.Agg); strings.HasPrefix(got.Agg, "p(") && err != nil {
				t.Errorf("Agg %q is not a trend stat the summary understands: %v", got.Agg, err)
			}
		})
	}
}

func TestParseThresholdInvalid(t *testing.T) {
	// why is a fragment of the explanation: the brief for this parser is a clear error naming
	// the text and what is wrong, so the wording is part of the contract being tested.
	tests := []struct {
		name, src, why string
	}{
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"aggregation only", "p(95)", "no comparison operator"},
		{"missing operator", "p(95) 200", "no comparison operator"},
		{"single equals", "p(95)=200", "write =="},
		{"arrow", "p(95)=>200", `unknown operator "=>"`},
		{"double less", "p(95)<<200", `unknown operator "<<"`},
		{"strict not equal", "rate!==1", `unknown operator "!=="`},
		{"bang", "rate!1", `unknown operator "!"`},
		{"angle pair", "rate<>1", `unknown operator "<>"`},
		{"no aggregation", "<200", "no aggregation"},
		{"no number", "p(95)<", "no number"},
		{"no number after spaces", "avg <=   ", "no number"},
		{"unit", "p(95)<200ms", "not a number"},
		{"word", "p(95)<abc", "not a number"},
		{"NaN value", "p(95)<NaN", "not a number"},
		{"Inf value", "avg<Inf", "not a number"},
		{"overflow", "avg<1e400", "out of range"},
		{"underscore digits", "count<1_000", "not a number"},
		{"hex", "count<0x10", "not a number"},
		{"two numbers", "avg<1 2", "not a number"},
		{"chained", "avg<1<2", "not a number"},
		{"percentile above 100", "p(101)<1", "outside 0 to 100"},
		{"percentile below 0", "p(-1)<1", "outside 0 to 100"},
		{"empty percentile", "p()<1", "not a number"},
		{"word percentile", "p(x)<1", "not a number"},
		{"NaN percentile", "p(NaN)<1", "not a number"},
		{"upper-case P", "P(95)<1", "unknown aggregation"},
		{"no parentheses", "p95<1", "unknown aggregation"},
		{"space before (", "p (95)<1", "unknown aggregation"},
		{"unclosed percentile", "p(95<1", "unknown aggregation"},
		{"unknown word", "average<1", "unknown aggregation"},
		{"upper-case AVG", "AVG<1", "unknown aggregation"},
		{"JS expression", "rate < 0.1 && count > 1", "not a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseThreshold(tc.src)
			if err == nil {
				t.Fatalf("ParseThreshold(%q) = %+v, want an error", tc.src, got)
			}
			if !errors.Is(err, ErrInvalidThreshold) {
				t.Errorf("error %v does not wrap ErrInvalidThreshold", err)
			}
			if msg := err.Error(); !strings.Contains(msg, strconv.Quote(tc.src)) || !strings.Contains(msg, tc.why) {
				t.Errorf("error %q should name %q and say %q", msg, tc.src, tc.why)
			}
			if got != (Threshold{}) {
				t.Errorf("a failed parse returned %+v, want the zero Threshold", got)
			}
		})
	}
}

func TestThresholdString(t *testing.T) {
	for _, src := range []string{"p(95) < 200", "p(99.90)<2e3", "rate === 1", "value != -0.5", "count>=1e21"} {
		th := thresholdTestMust(t, src)
		again := thresholdTestMust(t, th.String())
		if again.Agg != th.Agg || again.Op != th.Op || again.Value != th.Value || again.Quantile != th.Quantile {
			t.Errorf("%q -> String %q -> %+v, want the same as %+v", src, th.String(), again, th)
		}
	}
	if got := thresholdTestMust(t, " p(99.90) <  2e3 ").String(); got != "p(99.9)<2000" {
		t.Errorf("String() = %q, want p(99.9)<2000", got)
	}
}

// thresholdTestMust parses src or stops the test.
func thresholdTestMust(t testing.TB, src string) Threshold {
	t.Helper()
	th, err := ParseThreshold(src)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// thresholdTestRaw turns a JSON object into the map ParseThresholds takes.
func thresholdTestRaw(t *testing.T, js string) map[string]json.RawMessage {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		t.Fatalf("test input %s: %v", js, err)
	}
	return raw
}

func TestParseThresholds(t *testing.T) {
	p95 := Threshold{Source: "p(95)<200", Agg: "p(95)", Quantile: 0.95, Op: "<", Value: 200}
	rate := Threshold{Source: "rate<0.01", Agg: "rate", Op: "<", Value: 0.01}
	tags := func(kv ...string) *TagSet {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return NewTagSet(m)
	}
	withAbort := func(th Threshold, delay time.Duration) Threshold {
		th.AbortOnFail, th.DelayAbortEval = true, delay
		return th
	}
	tests := []struct {
		name string
		js   string
		want []MetricThresholds
	}{
		{"none", `{}`, []MetricThresholds{}},
		{
			"list of strings",
			`{"neo4j_query_duration": ["p(95)<200", "avg < 100"]}`,
			[]MetricThresholds{{Key: "neo4j_query_duration", Metric: "neo4j_query_duration", List: []Threshold{
				p95, {Source: "avg < 100", Agg: "avg", Op: "<", Value: 100},
			}}},
		},
		{
			"list of objects",
			`{"m": [{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": "10s"}, {"threshold": "rate<0.01"}]}`,
			[]MetricThresholds{{Key: "m", Metric: "m", List: []Threshold{withAbort(p95, 10*time.Second), rate}}},
		},
		{
			"mixed list",
			`{"m": ["rate<0.01", {"threshold": "p(95)<200", "abortOnFail": true}]}`,
			[]MetricThresholds{{Key: "m", Metric: "m", List: []Threshold{rate, withAbort(p95, 0)}}},
		},
		{
			"delay forms",
			`{"m": [
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": "1m30s"},
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": 1500},
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": "1d"},
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": "1d2h"},
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": "2"},
				{"threshold": "p(95)<200", "abortOnFail": true, "delayAbortEval": null},
				{"threshold": "p(95)<200", "abortOnFail": false, "delayAbortEval": "5s"}
			]}`,
			[]MetricThresholds{{Key: "m", Metric: "m", List: []Threshold{
				withAbort(p95, 90*time.Second),
				withAbort(p95, 1500*time.Millisecond),
				withAbort(p95, 24*time.Hour),
				withAbort(p95, 26*time.Hour),
				withAbort(p95, 2*time.Second),
				withAbort(p95, 0),
				{Source: "p(95)<200", Agg: "p(95)", Quantile: 0.95, Op: "<", Value: 200, DelayAbortEval: 5 * time.Second},
			}}},
		},
		{
			"empty list",
			`{"m": []}`,
			[]MetricThresholds{{Key: "m", Metric: "m", List: []Threshold{}}},
		},
		{
			"keys sorted, submetrics beside metrics",
			`{"z": ["rate<0.01"], "neo4j_query_duration{mode:read}": ["p(95)<200"], "a": ["rate<0.01"]}`,
			[]MetricThresholds{
				{Key: "a", Metric: "a", List: []Threshold{rate}},
				{Key: "neo4j_query_duration{mode:read}", Metric: "neo4j_query_duration", Filter: tags("mode", "read"), List: []Threshold{p95}},
				{Key: "z", Metric: "z", List: []Threshold{rate}},
			},
		},
		{
			"selector with several tags and spaces",
			`{"neo4j_query_duration{ mode : read , name:person-by-id,db:neo4j }": ["p(95)<200"]}`,
			[]MetricThresholds{{
				Key:    "neo4j_query_duration{ mode : read , name:person-by-id,db:neo4j }",
				Metric: "neo4j_query_duration", Filter: tags("mode", "read", "name", "person-by-id", "db", "neo4j"),
				List: []Threshold{p95},
			}},
		},
		{
			"selector value with colons",
			`{"group_duration{group:::individualRequests}": ["p(95)<200"], "m{load_zone:amazon:us:ashburn}": ["p(95)<200"]}`,
			[]MetricThresholds{
				{Key: "group_duration{group:::individualRequests}", Metric: "group_duration", Filter: tags("group", "::individualRequests"), List: []Threshold{p95}},
				{Key: "m{load_zone:amazon:us:ashburn}", Metric: "m", Filter: tags("load_zone", "amazon:us:ashburn"), List: []Threshold{p95}},
			},
		},
		{
			// k6 reads the selector from the first '{' to the last '}': braces in a value
			// are part of it.
			"selector values with braces",
			`{"my_trend{url:{x}}": ["p(95)<200"], "m{a:b}}": ["p(95)<200"], "m{path:/users/{id}, x:y}": ["p(95)<200"]}`,
			[]MetricThresholds{
				{Key: "my_trend{url:{x}}", Metric: "my_trend", Filter: tags("url", "{x}"), List: []Threshold{p95}},
				{Key: "m{a:b}}", Metric: "m", Filter: tags("a", "b}"), List: []Threshold{p95}},
				{Key: "m{path:/users/{id}, x:y}", Metric: "m", Filter: tags("path", "/users/{id}", "x", "y"), List: []Threshold{p95}},
			},
		},
		{
			"selector quoted values",
			`{"m{name:\"person by id\", mode:'read'}": ["p(95)<200"]}`,
			[]MetricThresholds{{Key: `m{name:"person by id", mode:'read'}`, Metric: "m", Filter: tags("name", "person by id", "mode", "read"), List: []Threshold{p95}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseThresholds(thresholdTestRaw(t, tc.js))
			if err != nil {
				t.Fatalf("ParseThresholds: %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d entries %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				thresholdTestSameEntry(t, got[i], tc.want[i])
			}
		})
	}
}

// thresholdTestSameEntry compares two entries, the filters by content.
func thresholdTestSameEntry(t *testing.T, got, want MetricThresholds) {
	t.Helper()
	if got.Key != want.Key || got.Metric != want.Metric {
		t.Errorf("entry %q/%q, want %q/%q", got.Key, got.Metric, want.Key, want.Metric)
	}
	if got.Filter.String() != want.Filter.String() {
		t.Errorf("%s: filter %s, want %s", want.Key, got.Filter, want.Filter)
	}
	if want.Filter == nil && got.Filter != nil {
		t.Errorf("%s: filter %s, want nil", want.Key, got.Filter)
	}
	if len(got.List) != len(want.List) {
		t.Fatalf("%s: %d thresholds %+v, want %d", want.Key, len(got.List), got.List, len(want.List))
	}
	for i := range got.List {
		if got.List[i] != want.List[i] {
			t.Errorf("%s[%d]\n got %+v\nwant %+v", want.Key, i, got.List[i], want.List[i])
		}
	}
}

func TestParseThresholdsInvalid(t *testing.T) {
	// Each case is one bad key; the message must name the key and, where there is one, the
	// expression (in why).
	tests := []struct {
		name, key, value, why string
	}{
		{"bare string", "m", `"p(95)<200"`, "wrap it in [ ]"},
		{"number", "m", `5`, "want a list"},
		{"object instead of list", "m", `{"threshold": "p(95)<200"}`, "want a list"},
		{"null", "m", `null`, "want a list"},
		{"element number", "m", `[5]`, "[0]: want an expression string or an object"},
		{"element null", "m", `["rate<1", null]`, "[1]: want an expression string or an object"},
		{"element list", "m", `[["p(95)<200"]]`, "want an expression string or an object"},
		{"element bool", "m", `[true]`, "want an expression string or an object"},
		{"bad expression", "m", `["p(95)<200", "p(95)=>200"]`, `[1]: "p(95)=>200": unknown operator`},
		{"bad expression in object", "m", `[{"threshold": "p(95)<<200", "abortOnFail": true}]`, `"p(95)<<200": unknown operator`},
		{"object without threshold", "m", `[{"abortOnFail": true}]`, `no "threshold"`},
		{"misspelt field", "m", `[{"threshold": "p(95)<200", "abortOnFailure": true}]`, "abortOnFailure"},
		{"abortOnFail not a bool", "m", `[{"threshold": "p(95)<200", "abortOnFail": "yes"}]`, "abortOnFail"},
		{"threshold not a string", "m", `[{"threshold": 200}]`, "threshold"},
		{"delay not a duration", "m", `[{"threshold": "p(95)<200", "delayAbortEval": "soon"}]`, `"p(95)<200": delayAbortEval "soon" is not a duration`},
		{"delay negative", "m", `[{"threshold": "p(95)<200", "delayAbortEval": "-5s"}]`, `delayAbortEval "-5s" is negative`},
		{"delay negative number", "m", `[{"threshold": "p(95)<200", "delayAbortEval": -1}]`, "delayAbortEval -1 is out of range"},
		{"delay bool", "m", `[{"threshold": "p(95)<200", "delayAbortEval": true}]`, "neither a duration string nor a number"},
		{"delay huge", "m", `[{"threshold": "p(95)<200", "delayAbortEval": 1e300}]`, "out of range"},
		{"tag without value", "m{tag}", `["p(95)<200"]`, `tag "tag" has no value`},
		{"unclosed selector", "m{", `["p(95)<200"]`, "does not end with '}'"},
		{"unclosed selector with tag", "m{a:b", `["p(95)<200"]`, "does not end with '}'"},
		{"empty selector", "m{}", `["p(95)<200"]`, "empty tag selector"},
		{"blank selector", "m{ }", `["p(95)<200"]`, "empty tag selector"},
		{"no metric name", "{a:b}", `["p(95)<200"]`, "no metric name"},
		{"text after selector", "m{a:b}x", `["p(95)<200"]`, "does not end with '}'"},
		{"closing brace only", "m}", `["p(95)<200"]`, "'}' without '{'"},
		{"stray comma", "m{a:b,}", `["p(95)<200"]`, "stray ','"},
		{"no tag name", "m{:b}", `["p(95)<200"]`, "no tag name"},
		{"empty value", "m{a:}", `["p(95)<200"]`, `tag "a" has an empty value`},
		{"empty quoted value", "m{a:''}", `["p(95)<200"]`, `tag "a" has an empty value`},
		{"tag twice", "m{a:1,a:2}", `["p(95)<200"]`, `tag "a" appears twice`},
		{"empty key", "", `["p(95)<200"]`, "not a metric name"},
		{"bad metric name", "m=n", `["p(95)<200"]`, "not a metric name"},
		{"bad metric name before selector", "m=n{a:b}", `["p(95)<200"]`, "not a metric name"},
		{"malformed JSON list", "m", `["p(95)<200"`, "malformed list"},
		{"empty raw value", "m", ``, "no value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := map[string]json.RawMessage{tc.key: json.RawMessage(tc.value)}
			got, err := ParseThresholds(raw)
			if err == nil {
				t.Fatalf("ParseThresholds(%s: %s) = %+v, want an error", tc.key, tc.value, got)
			}
			if !errors.Is(err, ErrInvalidThreshold) {
				t.Errorf("error %v does not wrap ErrInvalidThreshold", err)
			}
			if msg := err.Error(); !strings.Contains(msg, strconv.Quote(tc.key)) || !strings.Contains(msg, tc.why) {
				t.Errorf("error %q should name key %q and say %q", msg, tc.key, tc.why)
			}
			if len(got) != 0 {
				t.Errorf("a key with an error was kept: %+v", got)
			}
		})
	}
}

func TestParseThresholdsReportsEveryProblem(t *testing.T) {
	raw := thresholdTestRaw(t, `{
		"good": ["rate<0.01"],
		"m{tag}": ["p(95)<200"],
		"bare": "p(95)<200",
		"exprs": ["p(95)=200", "rate<0.01", "avg<1ms", {"threshold": "p(101)<1"}],
		"n{": ["p(95)<200"]
	}`)
	got, err := ParseThresholds(raw)
	if len(got) != 1 || got[0].Key != "good" {
		t.Errorf("entries %+v, want only the good key", got)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v is not a joined error", err)
	}
	errs := joined.Unwrap()
	// One error per bad key ("bare", "m{tag}", "n{") and one per bad expression of "exprs".
	wantNamed := []string{`"bare"`, `"exprs"`, `"p(95)=200"`, `"exprs"`, `"avg<1ms"`, `"exprs"`, `"p(101)<1"`, `"m{tag}"`, `"n{"`}
	if len(errs) != 6 {
		t.Fatalf("got %d errors, want 6:\n%v", len(errs), err)
	}
	for _, e := range errs {
		if !errors.Is(e, ErrInvalidThreshold) {
			t.Errorf("%v does not wrap ErrInvalidThreshold", e)
		}
	}
	msg := err.Error()
	for _, n := range wantNamed {
		if !strings.Contains(msg, n) {
			t.Errorf("errors do not name %s:\n%s", n, msg)
		}
	}
	// Sorted by key, so the report reads the same on every run.
	if a, b := strings.Index(msg, `"bare"`), strings.Index(msg, `"n{"`); a > b {
		t.Errorf("errors not in key order:\n%s", msg)
	}
}

func TestMetricThresholdsValidate(t *testing.T) {
	aggs := []string{"count", "rate", "value", "avg", "min", "max", "med", "p(95)", "p(0)"}
	supported := map[MetricType][]string{
		Counter: {"count", "rate"},
		Gauge:   {"value"},
		Rate:    {"rate"},
		Trend:   {"avg", "min", "max", "med", "p(95)", "p(0)"},
	}
	for typ, ok := range supported {
		for _, agg := range aggs {
			src := agg + ">1"
			t.Run(typ.String()+"/"+agg, func(t *testing.T) {
				mt := MetricThresholds{Key: "m", Metric: "m", List: []Threshold{thresholdTestMust(t, src)}}
				err := mt.Validate(&Metric{Name: "m", Type: typ})
				wantOK := false
				for _, a := range ok {
					wantOK = wantOK || a == agg
				}
				switch {
				case wantOK && err != nil:
					t.Errorf("%s on a %s: %v", src, typ, err)
				case !wantOK && err == nil:
					t.Errorf("%s on a %s: no error", src, typ)
				case !wantOK:
					if !errors.Is(err, ErrInvalidThreshold) {
						t.Errorf("%v does not wrap ErrInvalidThreshold", err)
					}
					for _, n := range []string{`"m"`, typ.String(), strconv.Quote(src)} {
						if !strings.Contains(err.Error(), n) {
							t.Errorf("error %q does not name %s", err, n)
						}
					}
				}
			})
		}
	}

	t.Run("unknown metric", func(t *testing.T) {
		mt := MetricThresholds{Key: "neo4j_querys{mode:read}", Metric: "neo4j_querys", List: []Threshold{thresholdTestMust(t, "count>1")}}
		err := mt.Validate(nil)
		if !errors.Is(err, ErrUnknownThresholdMetric) {
			t.Fatalf("Validate(nil) = %v, want ErrUnknownThresholdMetric", err)
		}
		if !strings.Contains(err.Error(), `"neo4j_querys"`) {
			t.Errorf("error %q does not name the metric", err)
		}
	})
	t.Run("every problem at once", func(t *testing.T) {
		mt := MetricThresholds{Key: "d", Metric: "d", List: []Threshold{
			thresholdTestMust(t, "count>1"), thresholdTestMust(t, "p(95)<200"), thresholdTestMust(t, "rate<0.1"),
		}}
		err := mt.Validate(&Metric{Name: "d", Type: Trend, Contains: Time})
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok || len(joined.Unwrap()) != 2 {
			t.Fatalf("Validate = %v, want two joined errors (count and rate)", err)
		}
	})
	t.Run("other metric", func(t *testing.T) {
		mt := MetricThresholds{Key: "a", Metric: "a", List: []Threshold{thresholdTestMust(t, "count>1")}}
		if err := mt.Validate(&Metric{Name: "b", Type: Counter}); !errors.Is(err, ErrInvalidThreshold) {
			t.Errorf("Validate against another metric = %v, want ErrInvalidThreshold", err)
		}
	})
	t.Run("empty list", func(t *testing.T) {
		mt := MetricThresholds{Key: "a", Metric: "a"}
		if err := mt.Validate(&Metric{Name: "a", Type: Gauge}); err != nil {
			t.Errorf("Validate = %v", err)
		}
	})
}

func TestMetricThresholdsMatches(t *testing.T) {
	raw := thresholdTestRaw(t, `{"d": ["avg<1"], "d{mode:read, db:neo4j}": ["avg<1"]}`)
	mts, err := ParseThresholds(raw)
	if err != nil {
		t.Fatal(err)
	}
	whole, sub := mts[0], mts[1]
	read := NewTagSet(map[string]string{"mode": "read", "db": "neo4j", "name": "q1"})
	write := NewTagSet(map[string]string{"mode": "write", "db": "neo4j"})
	if !whole.Matches(read) || !whole.Matches(write) || !whole.Matches(nil) {
		t.Error("the whole metric should match every sample")
	}
	if !sub.Matches(read) || sub.Matches(write) || sub.Matches(nil) {
		t.Error("the submetric should match only samples with all its tags")
	}
}

// thresholdTestSinks are small sinks with known aggregates.
func thresholdTestSinks() (counter *CounterSink, gauge *GaugeSink, rate *RateSink, trend *TrendSink) {
	counter = &CounterSink{}
	counter.Add(4)
	counter.Add(6) // count 10
	gauge = &GaugeSink{}
	gauge.Add(7)
	gauge.Add(-2.5) // value -2.5
	rate = &RateSink{}
	for _, v := range []float64{1, 1, 0, 1} { // rate 0.75
		rate.Add(v)
	}
	trend = NewTrendSink()
	for i := 100; i >= 1; i-- { // 1..100, added out of order
		trend.Add(float64(i))
	}
	return
}

func TestThresholdEvaluate(t *testing.T) {
	counter, gauge, rate, trend := thresholdTestSinks()
	tests := []struct {
		name    string
		sink    Sink
		elapsed time.Duration
		src     string
		pass    bool
		value   float64
	}{
		{"counter count >", counter, time.Second, "count>10", false, 10},
		{"counter count > below", counter, time.Second, "count>9.999", true, 10},
		{"counter count >=", counter, time.Second, "count>=10", true, 10},
		{"counter count >= above", counter, time.Second, "count>=10.001", false, 10},
		{"counter count <", counter, time.Second, "count<10", false, 10},
		{"counter count < above", counter, time.Second, "count<10.001", true, 10},
		{"counter count <=", counter, time.Second, "count<=10", true, 10},
		{"counter count <= below", counter, time.Second, "count<=9.999", false, 10},
		{"counter count ==", counter, time.Second, "count==10", true, 10},
		{"counter count == other", counter, time.Second, "count==11", false, 10},
		{"counter count ===", counter, time.Second, "count===10", true, 10},
		{"counter count !=", counter, time.Second, "count!=10", false, 10},
		{"counter count != other", counter, time.Second, "count!=9", true, 10},
		{"counter rate per second", counter, 4 * time.Second, "rate==2.5", true, 2.5},
		{"counter rate sub-second", counter, 500 * time.Millisecond, "rate>=20", true, 20},
		{"counter rate at time 0", counter, 0, "rate==0", true, 0},
		{"counter rate negative elapsed", counter, -time.Second, "rate<1", true, 0},
		{"gauge value", gauge, 0, "value<0", true, -2.5},
		{"gauge value equal negative", gauge, 0, "value==-2.5", true, -2.5},
		{"gauge value not above", gauge, 0, "value>-2.5", false, -2.5},
		{"rate", rate, 0, "rate>=0.75", true, 0.75},
		{"rate strict", rate, 0, "rate>0.75", false, 0.75},
		{"rate below", rate, 0, "rate<0.8", true, 0.75},
		{"trend avg", trend, 0, "avg==50.5", true, 50.5},
		{"trend min", trend, 0, "min>=1", true, 1},
		{"trend max", trend, 0, "max<100", false, 100},
		{"trend med", trend, 0, "med<=50.5", true, 50.5},
		{"trend p(95)", trend, 0, "p(95)<95", false, 95.05},
		{"trend p(95) passes", trend, 0, "p(95)<95.1", true, 95.05},
		{"trend p(0) is min", trend, 0, "p(0)==1", true, 1},
		{"trend p(100) is max", trend, 0, "p(100)==100", true, 100},
		{"trend p(99.9)", trend, 0, "p(99.9)<=100", true, 99.901},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th := thresholdTestMust(t, tc.src)
			pass, v := th.Evaluate(tc.sink, tc.elapsed)
			if pass != tc.pass || math.Abs(v-tc.value) > 1e-9 {
				t.Errorf("%s: got pass=%v value=%v, want pass=%v value=%v", tc.src, pass, v, tc.pass, tc.value)
			}
		})
	}
}

func TestThresholdEvaluateOperators(t *testing.T) {
	// Each operator against an aggregate below, equal to and above the threshold's value,
	// with values where float rounding would show (0.1+0.2 is not 0.3).
	g := &GaugeSink{}
	want := map[string][3]bool{ // below, equal, above
		">": {false, false, true}, ">=": {false, true, true},
		"<": {true, false, false}, "<=": {true, true, false},
		"==": {false, true, false}, "===": {false, true, false}, "!=": {true, false, true},
	}
	for op, w := range want {
		for i, v := range []float64{0.30000000000000004 - 1e-16*3, 0.30000000000000004, 0.31} {
			g.Add(v)
			th := thresholdTestMust(t, "value"+op+"0.30000000000000004")
			if pass, got := th.Evaluate(g, 0); pass != w[i] || got != v {
				t.Errorf("%v %s 0.30000000000000004: got %v (value %v), want %v", v, op, pass, got, w[i])
			}
		}
	}
}

func TestThresholdEvaluateEmptySinks(t *testing.T) {
	// No samples: every aggregate is 0, as the summary prints it, and compared like any other
	// value, except a Rate's: k6 (empty_sink_no_nan.js) passes every threshold on an empty
	// Rate, since it has no rate to compare.
	tests := []struct {
		typ  MetricType
		src  string
		pass bool
	}{
		{Counter, "count<10", true},
		{Counter, "count>500", false},
		{Counter, "count==0", true},
		{Counter, "rate>0", false},
		{Gauge, "value<4000", true},
		{Gauge, "value>0", false},
		{Rate, "rate<0.01", true},
		{Rate, "rate>0.9", true},
		{Rate, "rate>=0.9", true},
		{Rate, "rate==1", true},
		{Trend, "p(95)<200", true},
		{Trend, "avg>0", false},
		{Trend, "min==0", true},
		{Trend, "max<=0", true},
		{Trend, "med!=0", false},
	}
	for _, tc := range tests {
		t.Run(tc.typ.String()+"/"+tc.src, func(t *testing.T) {
			pass, v := thresholdTestMust(t, tc.src).Evaluate(NewSink(tc.typ), 10*time.Second)
			if pass != tc.pass || v != 0 {
				t.Errorf("empty %s %s: pass=%v value=%v, want pass=%v value=0", tc.typ, tc.src, pass, v, tc.pass)
			}
		})
	}
}

func TestThresholdEvaluateOddValues(t *testing.T) {
	nanCounter := &CounterSink{}
	nanCounter.Add(math.NaN())
	infGauge := &GaugeSink{}
	infGauge.Add(math.Inf(1))
	negTrend := NewTrendSink()
	for _, v := range []float64{-5, -1, 0, 3} {
		negTrend.Add(v)
	}
	counter, _, _, trend := thresholdTestSinks()
	tests := []struct {
		name    string
		sink    Sink
		src     string
		pass    bool
		wantNaN bool
		value   float64
	}{
		{"NaN fails <", nanCounter, "count<1", false, true, 0},
		{"NaN fails >", nanCounter, "count>1", false, true, 0},
		{"NaN fails ==", nanCounter, "count==0", false, true, 0},
		{"NaN fails != too", nanCounter, "count!=0", false, true, 0},
		{"+Inf is above anything", infGauge, "value>1e308", true, false, math.Inf(1)},
		{"+Inf is not below", infGauge, "value<1e308", false, false, math.Inf(1)},
		{"negative min", negTrend, "min<-4", true, false, -5},
		{"negative med", negTrend, "med==-0.5", true, false, -0.5},
		{"counter has no avg", counter, "avg<1", false, true, 0},
		{"trend has no count", trend, "count>0", false, true, 0},
		{"trend has no rate", trend, "rate>0", false, true, 0},
		{"counter has no value", counter, "value>0", false, true, 0},
		{"nil sink", nil, "count>=0", false, true, 0},
		{"nil sink with !=", nil, "count!=1", false, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pass, v := thresholdTestMust(t, tc.src).Evaluate(tc.sink, time.Second)
			if pass != tc.pass || math.IsNaN(v) != tc.wantNaN || (!tc.wantNaN && v != tc.value) {
				t.Errorf("%s: pass=%v value=%v, want pass=%v value=%v (NaN %v)", tc.src, pass, v, tc.pass, tc.value, tc.wantNaN)
			}
		})
	}
}

func TestThresholdAborts(t *testing.T) {
	plain := thresholdTestMust(t, "p(95)<200")
	abort := plain
	abort.AbortOnFail = true
	delayed := abort
	delayed.DelayAbortEval = 10 * time.Second
	tests := []struct {
		name    string
		th      Threshold
		pass    bool
		elapsed time.Duration
		want    bool
	}{
		{"no abortOnFail", plain, false, time.Hour, false},
		{"passing", abort, true, time.Hour, false},
		{"failing at once", abort, false, 0, true},
		{"failing before the delay", delayed, false, 9 * time.Second, false},
		{"failing at the delay", delayed, false, 10 * time.Second, true},
		{"failing after the delay", delayed, false, time.Minute, true},
		{"passing after the delay", delayed, true, time.Minute, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.th.Aborts(tc.pass, tc.elapsed); got != tc.want {
				t.Errorf("Aborts(%v, %v) = %v, want %v", tc.pass, tc.elapsed, got, tc.want)
			}
		})
	}
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{
		"p(95)<200", "p(95) < 200", "p(99.9)<=2000", "rate===1", "value!=-3.5", "count>=1e21",
		"avg<.5", "med>+2", "p(-0)<1", "p( 90 ) > 3", "p(101)<1", "p(95)=200", "", "<", "p(",
		"rate<NaN", "count<1e400", "min>-1e-320", "p(1e2)>0", "\tmax\n<=\v0",
	} {
		f.Add(s)
	}
	sinks := []Sink{NewSink(Counter), NewSink(Gauge), NewSink(Rate), NewSink(Trend)}
	f.Fuzz(func(t *testing.T, src string) {
		th, err := ParseThreshold(src)
		if err != nil {
			if !errors.Is(err, ErrInvalidThreshold) {
				t.Fatalf("error %v does not wrap ErrInvalidThreshold", err)
			}
			return
		}
		if th.Source != src {
			t.Fatalf("Source %q, want %q", th.Source, src)
		}
		if math.IsNaN(th.Value) || math.IsInf(th.Value, 0) {
			t.Fatalf("%q parsed to a non-finite value %v", src, th.Value)
		}
		if strings.HasPrefix(th.Agg, "p(") {
			if th.Quantile < 0 || th.Quantile > 1 {
				t.Fatalf("%q: quantile %v outside [0,1]", src, th.Quantile)
			}
			if _, err := ParseTrendStat(th.Agg); err != nil {
				t.Fatalf("%q: Agg %q is not a trend stat: %v", src, th.Agg, err)
			}
		}
		again, err := ParseThreshold(th.Source)
		if err != nil || again != th {
			t.Fatalf("re-parsing Source %q: %+v, %v; want %+v", th.Source, again, err, th)
		}
		canon, err := ParseThreshold(th.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", th.String(), src, err)
		}
		if canon.Agg != th.Agg || canon.Op != th.Op || canon.Value != th.Value || canon.Quantile != th.Quantile {
			t.Fatalf("%q -> %q -> %+v, want %+v", src, th.String(), canon, th)
		}
		for _, s := range sinks {
			th.Evaluate(s, time.Second)
		}
	})
}

// FuzzParseThresholds feeds arbitrary keys and values: no panics, every error wraps
// ErrInvalidThreshold, and whatever parses is a valid metric name with a non-empty filter
// when the key has a selector.
func FuzzParseThresholds(f *testing.F) {
	f.Add("neo4j_query_duration{mode:read, name:q1}", `["p(95)<200", {"threshold": "avg<1", "abortOnFail": true, "delayAbortEval": "10s"}]`)
	f.Add("m{tag}", `"p(95)<200"`)
	f.Add("m{a:'b'}", `[{"threshold": "rate<1", "delayAbortEval": 1500}]`)
	f.Add("m{", `[5, null, []]`)
	f.Add("g{group:::x}", `[{"threshold": "value>1", "x": 1}]`)
	f.Fuzz(func(t *testing.T, key, value string) {
		got, err := ParseThresholds(map[string]json.RawMessage{key: json.RawMessage(value)})
		if err != nil {
			if !errors.Is(err, ErrInvalidThreshold) {
				t.Fatalf("error %v does not wrap ErrInvalidThreshold", err)
			}
			return
		}
		if len(got) != 1 || got[0].Key != key || !metricNameRE.MatchString(got[0].Metric) {
			t.Fatalf("%q: %+v", key, got)
		}
		if strings.Contains(key, "{") != (got[0].Filter.Len() > 0) {
			t.Fatalf("%q: filter %s", key, got[0].Filter)
		}
		for _, th := range got[0].List {
			if th.DelayAbortEval < 0 {
				t.Fatalf("%q: negative delay %v", key, th.DelayAbortEval)
			}
		}
	})
}

func BenchmarkThresholdEvaluate(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	s := NewTrendSink()
	for range 100_000 {
		s.Add(r.ExpFloat64() * 20) // latencies in ms, mean 20
	}
	th := thresholdTestMust(b, "p(95)<200")
	b.ReportAllocs()
	for b.Loop() {
		if pass, _ := th.Evaluate(s, time.Minute); !pass {
			b.Fatal("p(95) of Exp(mean 20) should be far below 200")
		}
	}
}

func ExampleParseThresholds() {
	// options.thresholds as the script exported it.
	raw := map[string]json.RawMessage{
		"neo4j_query_duration{mode:read}": json.RawMessage(`["p(95)<200", {"threshold": "p(99.9) < 1000", "abortOnFail": true, "delayAbortEval": "10s"}]`),
		"neo4j_query_failed":              json.RawMessage(`["rate<0.01"]`),
	}
	entries, err := ParseThresholds(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := NewRegistry()
	reg.NewMetric("neo4j_query_duration", Trend, Time)
	reg.NewMetric("neo4j_query_failed", Rate)

	// The engine keeps one sink per key and feeds it the samples that e.Matches.
	sinks := map[string]Sink{}
	for _, e := range entries {
		sinks[e.Key] = NewSink(reg.Get(e.Metric).Type)
	}
	read := NewTagSet(map[string]string{"mode": "read"})
	for _, v := range []float64{12, 15, 30, 180} {
		for _, e := range entries {
			if e.Metric == "neo4j_query_duration" && e.Matches(read) {
				sinks[e.Key].Add(v)
			}
		}
	}
	sinks["neo4j_query_failed"].Add(0)

	for _, e := range entries {
		if err := e.Validate(reg.Get(e.Metric)); err != nil {
			fmt.Println(err)
			continue
		}
		for _, t := range e.List {
			pass, v := t.Evaluate(sinks[e.Key], time.Minute)
			fmt.Printf("%s %q pass=%v %s=%.2f abortOnFail=%v after %v\n", e.Key, t.Source, pass, t.Agg, v, t.AbortOnFail, t.DelayAbortEval)
		}
	}

	_, err = ParseThresholds(map[string]json.RawMessage{"neo4j_query_duration": json.RawMessage(`["p95<200"]`)})
	fmt.Println(err)
	// Output:
	// neo4j_query_duration{mode:read} "p(95)<200" pass=true p(95)=157.50 abortOnFail=false after 0s
	// neo4j_query_duration{mode:read} "p(99.9) < 1000" pass=true p(99.9)=179.55 abortOnFail=true after 10s
	// neo4j_query_failed "rate<0.01" pass=true rate=0.00 abortOnFail=false after 0s
	// invalid threshold: thresholds["neo4j_query_duration"]: [0]: "p95<200": unknown aggregation "p95"; use count, rate, value, avg, min, max, med or p(N)
}
