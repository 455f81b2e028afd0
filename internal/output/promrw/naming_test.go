package promrw

import (
	"reflect"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestSeriesNames(t *testing.T) {
	stats := []string{"p(99)", "p(99.9)", "p(0)", "avg", "min", "med", "max", "count", "sum"}
	for _, c := range []struct {
		name string
		typ  metrics.MetricType
		want []string
	}{
		{"neo4j_queries", metrics.Counter, []string{"k6_neo4j_queries_total"}},
		{"vus", metrics.Gauge, []string{"k6_vus"}},
		{"checks", metrics.Rate, []string{"k6_checks_rate"}},
		{"neo4j_query_duration", metrics.Trend, []string{
			"k6_neo4j_query_duration_p99", "k6_neo4j_query_duration_p999", "k6_neo4j_query_duration_p0",
			"k6_neo4j_query_duration_avg", "k6_neo4j_query_duration_min", "k6_neo4j_query_duration_med",
			"k6_neo4j_query_duration_max", "k6_neo4j_query_duration_count", "k6_neo4j_query_duration_sum",
		}},
		// k6 allows names Prometheus does not.
		{"my metric.v2-ß", metrics.Counter, []string{"k6_my_metric_v2___total"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := seriesNames(&metrics.Metric{Name: c.name, Type: c.typ}, stats)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestLabelName(t *testing.T) {
	for in, want := range map[string]string{
		"mode":         "mode",
		"error_code":   "error_code",
		"expected-rsp": "expected_rsp",
		"a.b":          "a_b",
		"9lives":       "_9lives",
		"héllo":        "h_llo",
		"_x":           "_x",
		"Upper":        "Upper",
	} {
		if got := labelName(in); got != want {
			t.Errorf("labelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeriesLabels(t *testing.T) {
	tags := metrics.NewTagSet(map[string]string{
		"mode":     "read",
		"a-b":      "first",  // -> a_b
		"a.b":      "second", // -> a_b as well: the first in key order ("a-b" < "a.b") wins
		"empty":    "",       // left out
		"__name__": "evil",   // left out
		"Zed":      "bad\xffutf8",
		"testid":   "from-tag",
	})
	static := map[string]string{"testid": "static", "server": "srv1"}
	got := withName(seriesLabels(tags, static), "k6_x")
	want := []label{
		{"Zed", "bad\uFFFDutf8"},
		{"__name__", "k6_x"},
		{"a_b", "first"},
		{"mode", "read"},
		{"server", "srv1"},
		{"testid", "from-tag"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got := withName(seriesLabels(nil, nil), "k6_y"); !reflect.DeepEqual(got, []label{{"__name__", "k6_y"}}) {
		t.Fatalf("no tags: %q", got)
	}
}
