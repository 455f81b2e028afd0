package promrw

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// nameLabel is the label that holds a series' metric name.
const nameLabel = "__name__"

// namespace prefixes every series, as in k6.
const namespace = "k6_"

// label is one name/value pair of a series.
type label struct{ name, value string }

// metricName is k6_ followed by the k6 metric name with every character Prometheus does not
// allow in a metric name ([a-zA-Z0-9_:]) replaced by an underscore. k6 names may hold
// letters of any script, spaces and some punctuation; Prometheus's may not.
func metricName(name string) string {
	var b strings.Builder
	b.Grow(len(namespace) + len(name))
	b.WriteString(namespace)
	for _, r := range name {
		if r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '_' || r == ':') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// labelName maps a tag key to a label name: characters outside [a-zA-Z0-9_] become
// underscores, and a leading digit gets an underscore in front.
func labelName(key string) string {
	ok := key != "" && !isDigit(key[0])
	for i := 0; ok && i < len(key); i++ {
		ok = isAlnum(key[i]) || key[i] == '_'
	}
	if ok {
		return key
	}
	var b strings.Builder
	if key != "" && isDigit(key[0]) {
		b.WriteByte('_')
	}
	for _, r := range key {
		if r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// seriesNames are the metric names one k6 metric is sent as, one per value it yields:
// counter k6_NAME_total, gauge k6_NAME, rate k6_NAME_rate, trend k6_NAME_SUFFIX for each
// statistic (see statSuffix).
func seriesNames(m *metrics.Metric, trendStats []string) []string {
	base := metricName(m.Name)
	switch m.Type {
	case metrics.Counter:
		return []string{base + "_total"}
	case metrics.Gauge:
		return []string{base}
	case metrics.Rate:
		return []string{base + "_rate"}
	default:
		out := make([]string, len(trendStats))
		for i, st := range trendStats {
			out[i] = base + "_" + statSuffix(st)
		}
		return out
	}
}

// statSuffix is the name ending of a trend statistic: avg, min, med, max, count and sum as
// they are; p(N) becomes pN without the parentheses and the decimal point (p(99) -> p99,
// p(99.9) -> p999), as in k6's documented example (p(90),p(95),max -> _p90, _p95, _max).
func statSuffix(stat string) string {
	if n, ok := strings.CutPrefix(stat, "p("); ok {
		n = strings.TrimSuffix(n, ")")
		return "p" + strings.ReplaceAll(n, ".", "")
	}
	return stat
}

// seriesLabels are the labels of a series without __name__: each tag as a label (keys mapped
// by labelName, values made valid UTF-8), then the static labels whose names no tag took.
// Tags with an empty value are left out (the spec forbids empty values), as is a tag named
// __name__; when two keys map to the same label name, the first in key order wins. The result
// is sorted by name.
func seriesLabels(tags *metrics.TagSet, static map[string]string) []label {
	out := make([]label, 0, tags.Len()+len(static))
	seen := make(map[string]struct{}, tags.Len()+len(static))
	for _, t := range tags.Tags() {
		if t.Value == "" || t.Key == nameLabel {
			continue
		}
		n := labelName(t.Key)
		if _, dup := seen[n]; dup {
			continue
		}
		seen[n] = struct{}{}
		out = append(out, label{n, strings.ToValidUTF8(t.Value, "\uFFFD")})
	}
	for k, v := range static {
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, label{k, strings.ToValidUTF8(v, "\uFFFD")})
	}
	slices.SortFunc(out, func(a, b label) int { return strings.Compare(a.name, b.name) })
	return out
}

// withName returns labels plus __name__=name, sorted by name as the spec requires.
func withName(labels []label, name string) []label {
	out := make([]label, 0, len(labels)+1)
	i, _ := slices.BinarySearchFunc(labels, nameLabel, func(l label, n string) int { return strings.Compare(l.name, n) })
	out = append(out, labels[:i]...)
	out = append(out, label{nameLabel, name})
	return append(out, labels[i:]...)
}
