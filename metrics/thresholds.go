package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/kdur"
)

// Thresholds
//
// A threshold is a pass/fail criterion on one aggregate of a metric, written as k6 writes it:
// "<aggregation> <operator> <number>", e.g. "p(95)<200" or "rate >= 0.99". options.thresholds
// maps a metric name, or a submetric selector such as `neo4j_query_duration{mode:read}`, to a
// list whose elements are either such strings or objects
// {threshold, abortOnFail, delayAbortEval}.
//
// The flow is: ParseThresholds once with the raw options, Validate each entry against the
// registry once the script's init code has created its metrics, then Evaluate against the
// entry's sink whenever the engine checks (periodically for abortOnFail, and at the end).

// ErrInvalidThreshold is wrapped by every error about a threshold's text, its place in
// options.thresholds, or an aggregation its metric's type does not have. The host maps it to
// k6's exit code 104 (invalid config).
var ErrInvalidThreshold = errors.New("invalid threshold")

// ErrUnknownThresholdMetric is wrapped by the error for a threshold on a metric that no one
// created. It is a config error too, as in k6, which refuses to start rather than let a typo
// in a metric name pass every run.
var ErrUnknownThresholdMetric = errors.New("threshold on unknown metric")

// Threshold is one expression such as "p(95)<200" or "rate>=0.99".
type Threshold struct {
	Source         string        // as the user wrote it
	Agg            string        // count, rate, value, avg, min, max, med, p(N) (N in shortest form: "p(99.9)")
	Quantile       float64       // for p(N): N/100; 0 for the other aggregations
	Op             string        // > >= < <= == === != (as written; === compares as ==)
	Value          float64       // the number on the right, always finite
	AbortOnFail    bool          // stop the test as soon as the threshold fails ...
	DelayAbortEval time.Duration // ... but not before this much of the test has run
}

// thresholdOps are the comparison operators k6 documents, longest first so that scanning a
// run of operator characters can be checked against the whole set at once.
var thresholdOps = []string{"===", ">=", "<=", "==", "!=", ">", "<"}

// thresholdNumberRE is a plain decimal number as people write them in JavaScript: an optional
// sign, digits with an optional fraction (or a bare fraction), an optional exponent. It is
// stricter than strconv.ParseFloat on purpose: "Inf", "NaN", hex floats and "1_000" are not
// thresholds anyone means.
var thresholdNumberRE = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// thresholdAggs lists the aggregations without a parameter, each with the metric types that
// have it (k6's table: counter count|rate, gauge value, rate rate, trend avg|min|max|med|p(N)).
var thresholdAggs = map[string][]MetricType{
	"count": {Counter},
	"rate":  {Counter, Rate},
	"value": {Gauge},
	"avg":   {Trend},
	"min":   {Trend},
	"max":   {Trend},
	"med":   {Trend},
}

// thresholdTypeAggs is what each metric type supports, for error messages.
var thresholdTypeAggs = map[MetricType]string{
	Counter: "count, rate",
	Gauge:   "value",
	Rate:    "rate",
	Trend:   "avg, min, max, med, p(N)",
}

// ParseThreshold reads one expression. Whitespace around and between the three parts is
// ignored ("p(95) < 200"), as is whitespace inside p( ). The error names the text and what
// is wrong with it, and wraps ErrInvalidThreshold.
func ParseThreshold(src string) (Threshold, error) {
	t, err := thresholdParse(src)
	if err != nil {
		return Threshold{}, fmt.Errorf("%w %q: %s", ErrInvalidThreshold, src, err)
	}
	return t, nil
}

// thresholdParse does the work of ParseThreshold; its errors say only what is wrong, the
// caller adds the text.
func thresholdParse(src string) (Threshold, error) {
	s := strings.TrimSpace(src)
	if s == "" {
		return Threshold{}, errors.New(`empty; write e.g. "p(95)<200"`)
	}
	i := strings.IndexAny(s, "<>=!")
	if i < 0 {
		return Threshold{}, errors.New("no comparison operator; use one of > >= < <= == === !=")
	}
	j := i
	for j < len(s) && strings.IndexByte("<>=!", s[j]) >= 0 {
		j++
	}
	op := s[i:j]
	if !slices.Contains(thresholdOps, op) {
		hint := ""
		if op == "=" {
			hint = " (for equality write ==)"
		}
		return Threshold{}, fmt.Errorf("unknown operator %q%s; use one of > >= < <= == === !=", op, hint)
	}
	t := Threshold{Source: src, Op: op}

	agg := strings.TrimSpace(s[:i])
	switch {
	case agg == "":
		return Threshold{}, errors.New("no aggregation before the operator; use count, rate, value, avg, min, max, med or p(N)")
	case thresholdAggs[agg] != nil:
		t.Agg = agg
	case strings.HasPrefix(agg, "p(") && strings.HasSuffix(agg, ")"):
		inner := strings.TrimSpace(agg[2 : len(agg)-1])
		if !thresholdNumberRE.MatchString(inner) {
			return Threshold{}, fmt.Errorf("percentile %q is not a number; write e.g. p(95) or p(99.9)", inner)
		}
		n, err := strconv.ParseFloat(inner, 64)
		if err != nil || n < 0 || n > 100 {
			return Threshold{}, fmt.Errorf("percentile %s is outside 0 to 100", inner)
		}
		if n == 0 {
			n = 0 // "p(-0)" is p(0), not "p(-0)" in Agg
		}
		t.Agg = "p(" + strconv.FormatFloat(n, 'f', -1, 64) + ")"
		t.Quantile = n / 100
	default:
		return Threshold{}, fmt.Errorf("unknown aggregation %q; use count, rate, value, avg, min, max, med or p(N)", agg)
	}

	num := strings.TrimSpace(s[j:])
	if num == "" {
		return Threshold{}, fmt.Errorf("no number after %q", op)
	}
	if !thresholdNumberRE.MatchString(num) {
		return Threshold{}, fmt.Errorf("%q is not a number (no units: durations are in milliseconds)", num)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil { // only ErrRange can happen after the pattern matched
		return Threshold{}, fmt.Errorf("%s is out of range", num)
	}
	t.Value = v
	return t, nil
}

// String renders the expression in canonical form, "p(95)<200"; it parses back to the same
// aggregation, operator and value.
func (t Threshold) String() string {
	return t.Agg + t.Op + strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// supports reports whether metric type typ has t's aggregation.
func (t Threshold) supports(typ MetricType) bool {
	if strings.HasPrefix(t.Agg, "p(") {
		return typ == Trend
	}
	return slices.Contains(thresholdAggs[t.Agg], typ)
}

// Evaluate compares the aggregate of s that t names against t's value and returns whether
// the threshold passes, and the aggregate it compared (for the summary's "p(95)=12.3").
// elapsed is the test's running time, for a counter's per-second rate.
//
// An empty sink is evaluated like any other: its aggregates are those the summary prints for
// it, 0 for everything (count, counter rate, gauge value, rate, and every trend statistic).
// So "count>0" or "rate>0.99" on a metric that got no samples fails, and "count<10" passes.
// That is k6's behaviour for counters, gauges and trends (since v0.38 thresholds are
// evaluated even without samples: k6 issues #1053, #1346, #2540). A Rate with no samples is
// the exception, as in k6 (its regression test empty_sink_no_nan.js): it has no rate to
// compare, so every threshold on it passes, with the value 0. Callers that want to flag "no
// data" can look at s.Count().
//
// A NaN aggregate (a NaN added to a counter or gauge) fails whatever the operator: there is
// no meaningful comparison, and passing would hide the broken data. A sink that does not
// have t's aggregation (which Validate rules out) or a nil sink fails with a NaN value.
func (t Threshold) Evaluate(s Sink, elapsed time.Duration) (pass bool, value float64) {
	if r, ok := s.(*RateSink); ok && r.N == 0 && t.Agg == "rate" {
		return true, 0
	}
	v, ok := thresholdAggregate(s, t, elapsed)
	if !ok {
		return false, math.NaN()
	}
	return thresholdCompare(v, t.Op, t.Value), v
}

// thresholdAggregate extracts the value t compares from s.
func thresholdAggregate(s Sink, t Threshold, elapsed time.Duration) (float64, bool) {
	switch s := s.(type) {
	case *CounterSink:
		switch t.Agg {
		case "count":
			return s.Sum, true
		case "rate":
			if elapsed <= 0 {
				return 0, true
			}
			return s.Sum / elapsed.Seconds(), true
		}
	case *GaugeSink:
		if t.Agg == "value" {
			return s.Last, true
		}
	case *RateSink:
		if t.Agg == "rate" {
			return s.Rate(), true
		}
	case *TrendSink:
		switch t.Agg {
		case "avg":
			return s.Avg(), true
		case "min":
			return s.Min(), true
		case "max":
			return s.Max(), true
		case "med":
			return s.Med(), true
		}
		if strings.HasPrefix(t.Agg, "p(") {
			return s.P(t.Quantile), true
		}
	}
	return 0, false
}

// thresholdCompare applies op. Every comparison with NaN is false in Go, including the
// negation we would get from !(v == w), so != is spelled out to fail on NaN as well.
func thresholdCompare(v float64, op string, w float64) bool {
	if math.IsNaN(v) {
		return false
	}
	switch op {
	case ">":
		return v > w
	case ">=":
		return v >= w
	case "<":
		return v < w
	case "<=":
		return v <= w
	case "==", "===":
		return v == w
	case "!=":
		return v != w
	}
	return false
}

// Aborts reports whether t, whose evaluation elapsed into the test gave pass, should stop the
// test now: only a failing threshold with abortOnFail, and only once delayAbortEval has gone
// by (k6's docs: the delay lets some samples be collected before an early, unrepresentative
// failure can end the run).
func (t Threshold) Aborts(pass bool, elapsed time.Duration) bool {
	return !pass && t.AbortOnFail && elapsed >= t.DelayAbortEval
}

// MetricThresholds are the thresholds configured under one key of options.thresholds:
// a metric name, or a submetric selector "metric{tag:value, tag2:value}".
type MetricThresholds struct {
	Key    string      // as written
	Metric string      // the metric name
	Filter *TagSet     // the selector's tags, nil for the whole metric
	List   []Threshold // in the order written
}

// Matches reports whether a sample with these tags belongs to the (sub)metric: every tag of
// the selector must be present with the same value.
func (mt MetricThresholds) Matches(tags *TagSet) bool {
	return tags.Contains(mt.Filter)
}

// ParseThresholds reads options.thresholds. Each value must be a list (as in k6, a bare string
// is not accepted) whose elements are expression strings or objects
// {"threshold": "...", "abortOnFail": bool, "delayAbortEval": "10s"}; both forms may be mixed.
// delayAbortEval is a duration string ("10s", "1m30s", "1d", a bare number of seconds) or a
// JSON number of milliseconds, as k6's durations are. Unknown fields in an object are an
// error, so a misspelt "abortOnFailure" does not silently do nothing.
//
// Every problem is reported at once (errors.Join), each naming the key and, where there is
// one, the expression, and each wrapping ErrInvalidThreshold. The result is sorted by key and
// holds every key that parsed, even when others did not.
func ParseThresholds(raw map[string]json.RawMessage) ([]MetricThresholds, error) {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	var errs []error
	out := make([]MetricThresholds, 0, len(keys))
	for _, key := range keys {
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%w: thresholds[%q]: %s", ErrInvalidThreshold, key, fmt.Sprintf(format, args...)))
		}
		name, filter, err := thresholdParseSelector(key)
		if err != nil {
			fail("%s", err)
			continue
		}
		elems, err := thresholdElements(raw[key])
		if err != nil {
			fail("%s", err)
			continue
		}
		mt := MetricThresholds{Key: key, Metric: name, Filter: filter, List: make([]Threshold, 0, len(elems))}
		ok := true
		for i, e := range elems {
			t, err := thresholdElement(e)
			if err != nil {
				fail("[%d]: %s", i, err)
				ok = false
				continue
			}
			mt.List = append(mt.List, t)
		}
		if ok {
			out = append(out, mt)
		}
	}
	return out, errors.Join(errs...)
}

// thresholdElements splits a key's value into its list elements.
func thresholdElements(raw json.RawMessage) ([]json.RawMessage, error) {
	var elems []json.RawMessage
	switch b := bytes.TrimSpace(raw); {
	case len(b) == 0:
		return nil, errors.New(`no value; want a list such as ["p(95)<200"]`)
	case b[0] == '"':
		return nil, fmt.Errorf(`want a list such as ["p(95)<200"], got the string %s: wrap it in [ ]`, thresholdShort(b))
	case b[0] != '[':
		return nil, fmt.Errorf(`want a list such as ["p(95)<200"], got %s`, thresholdShort(b))
	}
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("malformed list: %v", err)
	}
	return elems, nil
}

// thresholdConfig is the long form of one list element.
type thresholdConfig struct {
	Threshold      *string         `json:"threshold"`
	AbortOnFail    bool            `json:"abortOnFail"`
	DelayAbortEval json.RawMessage `json:"delayAbortEval"`
}

// thresholdElement reads one list element, a string or an object. Errors name the
// expression when there is one.
func thresholdElement(raw json.RawMessage) (Threshold, error) {
	b := bytes.TrimSpace(raw)
	if len(b) > 0 && b[0] == '"' {
		var src string
		if err := json.Unmarshal(b, &src); err != nil {
			return Threshold{}, fmt.Errorf("malformed string %s: %v", thresholdShort(b), err)
		}
		return thresholdParseNamed(src)
	}
	if len(b) == 0 || b[0] != '{' {
		return Threshold{}, fmt.Errorf(`want an expression string or an object {"threshold": ...}, got %s`, thresholdShort(b))
	}
	var c thresholdConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Threshold{}, fmt.Errorf("object %s: %v (fields are threshold, abortOnFail, delayAbortEval)", thresholdShort(b), err)
	}
	if c.Threshold == nil {
		return Threshold{}, fmt.Errorf(`object %s has no "threshold" expression`, thresholdShort(b))
	}
	t, err := thresholdParseNamed(*c.Threshold)
	if err != nil {
		return Threshold{}, err
	}
	t.AbortOnFail = c.AbortOnFail
	if len(c.DelayAbortEval) > 0 && string(c.DelayAbortEval) != "null" {
		d, err := thresholdParseDelay(c.DelayAbortEval)
		if err != nil {
			return Threshold{}, fmt.Errorf("%q: delayAbortEval %s", t.Source, err)
		}
		t.DelayAbortEval = d
	}
	return t, nil
}

// thresholdParseNamed is ParseThreshold with the error phrased for a list element (the
// caller already said it is a threshold).
func thresholdParseNamed(src string) (Threshold, error) {
	t, err := thresholdParse(src)
	if err != nil {
		return Threshold{}, fmt.Errorf("%q: %s", src, err)
	}
	return t, nil
}

// thresholdParseDelay reads delayAbortEval the way k6 options read durations: a string such
// as "10s", "1m30s", "1.5h", "500ms", "1d2h" (a bare number string means seconds), or a JSON
// number of milliseconds. Negative durations are refused.
func thresholdParseDelay(raw json.RawMessage) (time.Duration, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		var ms float64
		if err := json.Unmarshal(raw, &ms); err != nil {
			return 0, fmt.Errorf("%s is neither a duration string nor a number of milliseconds", thresholdShort(raw))
		}
		if ms < 0 || ms*float64(time.Millisecond) > math.MaxInt64 {
			return 0, fmt.Errorf("%s is out of range", raw)
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("malformed string %s", thresholdShort(raw))
	}
	return kdur.Parse(s)
}

// thresholdShort quotes at most the first 40 bytes of a JSON fragment for an error message.
func thresholdShort(b []byte) string {
	const limit = 40
	if len(b) > limit {
		return string(b[:limit]) + "..."
	}
	return string(b)
}

// thresholdParseSelector splits a key into the metric name and the selector's tags:
// "name" or "name{tag:value, tag2:value2}". Tag values may contain ':' (k6 splits at the
// first one, so `{load_zone:amazon:us:ashburn}` works), spaces around keys and values are
// dropped, and one pair of matching quotes around a value is dropped too
// (`{name:"person-by-id"}`). As in k6, the selector runs from the first '{' to the last
// '}', so a value may hold braces (`{url:{id}}` selects url "{id}"); commas cannot be
// expressed.
func thresholdParseSelector(key string) (string, *TagSet, error) {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		if strings.IndexByte(key, '}') >= 0 {
			return "", nil, errors.New("'}' without '{'")
		}
		if !metricNameRE.MatchString(key) {
			return "", nil, fmt.Errorf("%q is not a metric name", key)
		}
		return key, nil, nil
	}
	name := strings.TrimSpace(key[:open])
	switch {
	case name == "":
		return "", nil, errors.New("no metric name before '{'")
	case !metricNameRE.MatchString(name):
		return "", nil, fmt.Errorf("%q is not a metric name", name)
	case !strings.HasSuffix(key, "}"):
		return "", nil, errors.New("the tag selector does not end with '}'")
	}
	inner := key[open+1 : len(key)-1]
	if strings.TrimSpace(inner) == "" {
		return "", nil, errors.New("empty tag selector {}; write metric{tag:value} or just the metric name")
	}
	tags := make(map[string]string)
	for part := range strings.SplitSeq(inner, ",") {
		part = strings.TrimSpace(part)
		k, v, found := strings.Cut(part, ":")
		k, v = strings.TrimSpace(k), thresholdUnquote(strings.TrimSpace(v))
		switch {
		case part == "":
			return "", nil, errors.New("empty entry in the tag selector (a stray ',')")
		case !found:
			return "", nil, fmt.Errorf("tag %q has no value; write tag:value", part)
		case k == "":
			return "", nil, fmt.Errorf("%q has no tag name before ':'", part)
		case v == "":
			return "", nil, fmt.Errorf("tag %q has an empty value", k)
		}
		if _, dup := tags[k]; dup {
			return "", nil, fmt.Errorf("tag %q appears twice", k)
		}
		tags[k] = v
	}
	return name, NewTagSet(tags), nil
}

// thresholdUnquote drops one pair of matching single or double quotes around s.
func thresholdUnquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// Validate checks the entry against its metric, m, as found in the registry by mt.Metric:
// a nil m (no metric of that name) is an error naming the metric and wrapping
// ErrUnknownThresholdMetric; each aggregation the metric's type does not have is an error
// naming the metric, its type and the expression, wrapping ErrInvalidThreshold. All problems
// are reported at once.
func (mt MetricThresholds) Validate(m *Metric) error {
	if m == nil {
		return fmt.Errorf("%w: thresholds[%q]: no metric named %q was created (check the spelling, or create it in the init context)",
			ErrUnknownThresholdMetric, mt.Key, mt.Metric)
	}
	if m.Name != mt.Metric {
		return fmt.Errorf("%w: thresholds[%q] checked against metric %q", ErrInvalidThreshold, mt.Key, m.Name)
	}
	var errs []error
	for _, t := range mt.List {
		if !t.supports(m.Type) {
			errs = append(errs, fmt.Errorf("%w: thresholds[%q]: %q: %s is a %s, which has no %s; a %s supports %s",
				ErrInvalidThreshold, mt.Key, t.Source, m.Name, m.Type, t.Agg, m.Type, thresholdTypeAggs[m.Type]))
		}
	}
	return errors.Join(errs...)
}
