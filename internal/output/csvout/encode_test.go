package csvout

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func TestHeaderIsK6s(t *testing.T) {
	// As k6 writes it: the example on k6's CSV page predates expected_response, service and
	// metadata (grafana/k6-docs#925 quotes the header k6 writes and tracks the page).
	const want = "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n"
	if Header != want {
		t.Fatalf("Header = %q\nwant     %q", Header, want)
	}
	if strings.Join(tagColumns[:], ",") != tagHeader {
		t.Fatal("tagColumns and tagHeader disagree")
	}
	if !slices.IsSorted(tagColumns[:]) {
		t.Fatal("tagColumns must be sorted: appendRow merges them with the sorted tags")
	}
}

func TestAppendRow(t *testing.T) {
	dur := &metrics.Metric{Name: "neo4j_query_duration", Type: metrics.Trend, Contains: metrics.Time}
	at := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)
	tests := []struct {
		name   string
		format TimeFormat
		value  float64
		tags   map[string]string
		want   string
	}{{
		name: "no tags", value: 1, want: "neo4j_query_duration,1741064767,1.000000,,,,,,,,,,,,,,,,\n",
	}, {
		name: "column tags and extra tags", value: 221.8995,
		tags: map[string]string{"name": "q1", "scenario": "default", "status": "ok", "error_code": "Neo.ClientError.Statement.SyntaxError",
			"mode": "read", "db": "neo4j", "identity": "neo4j@127.0.0.1:7687", "zz": "last"},
		want: "neo4j_query_duration,1741064767,221.899500,,,Neo.ClientError.Statement.SyntaxError,,,,q1,,default,,ok,,,,db=neo4j&identity=neo4j@127.0.0.1:7687&mode=read&zz=last,\n",
	}, {
		name: "every column", value: 0.5,
		tags: map[string]string{"check": "c", "error": "e", "error_code": "ec", "expected_response": "true", "group": "::g", "method": "READ",
			"name": "n", "proto": "bolt", "scenario": "s", "service": "sv", "status": "ok", "subproto": "sp", "tls_version": "tls1.3", "url": "bolt://h"},
		want: "neo4j_query_duration,1741064767,0.500000,c,e,ec,true,::g,READ,n,bolt,s,sv,ok,sp,tls1.3,bolt://h,,\n",
	}, {
		name: "fields quoted as encoding/csv quotes them", value: -3,
		tags: map[string]string{"name": `MATCH (n {id: "x"}), (m)` + "\nRETURN n", "error": " leading space", "label": "a,b"},
		// The line break is written as a visible \n: a row stays one line.
		want: "neo4j_query_duration,1741064767,-3.000000,,\" leading space\",,,,,\"MATCH (n {id: \"\"x\"\"}), (m)\\nRETURN n\",,,,,,,,\"label=a,b\",\n",
	}, {
		name: "control characters escaped, valid UTF-8 kept", value: 1,
		tags: map[string]string{"name": "a\x00b\x1b[31mred\x7f", "check": "tab\there\r", "error": "c1\u0085 é 中", "my\x01tag": "v\x00\xff"},
		want: "neo4j_query_duration,1741064767,1.000000,tab\\there\\r,c1\\u0085 é 中,,,,,a\\x00b\\x1b[31mred\\x7f,,,,,,,,my\\x01tag=v\\x00\\xff,\n",
	}, {
		name: "unix_milli", format: UnixMilli, want: "neo4j_query_duration,1741064767891,0.000000,,,,,,,,,,,,,,,,\n",
	}, {
		name: "unix_micro", format: UnixMicro, want: "neo4j_query_duration,1741064767891234,0.000000,,,,,,,,,,,,,,,,\n",
	}, {
		name: "unix_nano", format: UnixNano, want: "neo4j_query_duration,1741064767891234567,0.000000,,,,,,,,,,,,,,,,\n",
	}, {
		name: "rfc3339", format: RFC3339, want: "neo4j_query_duration,2025-03-04T05:06:07Z,0.000000,,,,,,,,,,,,,,,,\n",
	}, {
		name: "rfc3339_nano", format: RFC3339Nano, want: "neo4j_query_duration,2025-03-04T05:06:07.891234567Z,0.000000,,,,,,,,,,,,,,,,\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format := tt.format
			if format == "" {
				format = Unix
			}
			s := metrics.Sample{Metric: dur, Time: at, Value: tt.value}
			if tt.tags != nil {
				s.Tags = metrics.NewTagSet(tt.tags)
			}
			got := string(newEncoder(format).appendRow(nil, &s))
			if got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			if strings.ContainsFunc(got[:len(got)-1], func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError }) {
				t.Errorf("row holds a raw control character or invalid UTF-8: %q", got)
			}
			// Whatever the content, encoding/csv reads the row back as 19 fields.
			rec, err := csv.NewReader(strings.NewReader(Header + got)).ReadAll()
			if err != nil || len(rec) != 2 || len(rec[1]) != 19 {
				t.Fatalf("encoding/csv reads %q as %q (%v)", got, rec, err)
			}
			for _, c := range tagColumns {
				i := slices.Index(rec[0], c)
				if want := metrics.EscapeControl(tt.tags[c]); rec[1][i] != want {
					t.Errorf("column %s = %q, want %q", c, rec[1][i], want)
				}
			}
		})
	}
}

func TestAppendFieldMatchesEncodingCSV(t *testing.T) {
	for _, s := range []string{"", "plain", "a,b", `q"uote`, "line\nbreak", "cr\r", " lead", "\tlead", "\u00a0nbsp", `\.`, "trail ", "中文"} {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write([]string{s}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if got := string(appendField(nil, s)) + "\n"; got != want.String() {
			t.Errorf("appendField(%q) = %q, encoding/csv writes %q", s, got, want.String())
		}
		if got := string(appendField(nil, []byte(s))) + "\n"; got != want.String() {
			t.Errorf("appendField([]byte(%q)) = %q, encoding/csv writes %q", s, got, want.String())
		}
	}
}
