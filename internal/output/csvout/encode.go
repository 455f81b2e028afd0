package csvout

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Header is the first line of every file: k6's columns, in k6's order.
const Header = "metric_name,timestamp,metric_value," + tagHeader + ",extra_tags,metadata\n"

// tagColumns are the tags that have a column of their own. They are in byte order, as tag
// sets are, so one merge pass over a sample's tags fills them (a test keeps them sorted).
var tagColumns = [...]string{
	"check", "error", "error_code", "expected_response", "group", "method", "name",
	"proto", "scenario", "service", "status", "subproto", "tls_version", "url",
}

const tagHeader = "check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url"

// encoder turns samples into rows; it is owned by the writer goroutine.
type encoder struct {
	format TimeFormat
	buf    []byte // the row being built
	extra  []byte // extra_tags being built
}

func newEncoder(format TimeFormat) *encoder {
	return &encoder{format: format, buf: make([]byte, 0, 512), extra: make([]byte, 0, 256)}
}

// appendRow appends one row: the metric, the timestamp, the value with six decimals (k6's
// "%f"), one column per tag of tagColumns, extra_tags and metadata. Tags without a column go
// to extra_tags as `k=v&k2=v2` in key order, not URL-encoded, as k6 writes them. Control
// characters in names and tags are written as visible escapes (metrics.EscapeControl), so a
// NUL or a stray escape sequence from a script never lands in the file raw; a line break in
// a value is `\n` too, so every row is one line.
// Our samples carry no metadata, so that column is always empty.
func (e *encoder) appendRow(b []byte, s *metrics.Sample) []byte {
	b = appendField(b, metrics.EscapeControl(s.Metric.Name))
	b = append(b, ',')
	b = e.appendTime(b, s.Time)
	b = append(b, ',')
	b = strconv.AppendFloat(b, s.Value, 'f', 6, 64)

	e.extra = e.extra[:0]
	tags := s.Tags.Tags()
	j := 0
	for _, col := range tagColumns {
		b = append(b, ',')
		for ; j < len(tags) && tags[j].Key < col; j++ {
			e.addExtra(tags[j])
		}
		if j < len(tags) && tags[j].Key == col {
			b = appendField(b, metrics.EscapeControl(tags[j].Value))
			j++
		}
	}
	for ; j < len(tags); j++ {
		e.addExtra(tags[j])
	}
	b = append(b, ',')
	b = appendField(b, e.extra)
	return append(b, ",\n"...) // metadata: empty
}

func (e *encoder) addExtra(t metrics.Tag) {
	if len(e.extra) > 0 {
		e.extra = append(e.extra, '&')
	}
	e.extra = append(e.extra, metrics.EscapeControl(t.Key)...)
	e.extra = append(e.extra, '=')
	e.extra = append(e.extra, metrics.EscapeControl(t.Value)...)
}

func (e *encoder) appendTime(b []byte, t time.Time) []byte {
	switch e.format {
	case UnixMilli:
		return strconv.AppendInt(b, t.UnixMilli(), 10)
	case UnixMicro:
		return strconv.AppendInt(b, t.UnixMicro(), 10)
	case UnixNano:
		return strconv.AppendInt(b, t.UnixNano(), 10)
	case RFC3339:
		return t.AppendFormat(b, time.RFC3339)
	case RFC3339Nano:
		return t.AppendFormat(b, time.RFC3339Nano)
	default:
		return strconv.AppendInt(b, t.Unix(), 10)
	}
}

// appendField writes s as encoding/csv would: quoted, with quotes doubled, when it holds a
// comma, a quote, a line break or starts with a space; as is otherwise.
func appendField[T ~string | ~[]byte](b []byte, s T) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func needsQuotes[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	if len(s) == 2 && s[0] == '\\' && s[1] == '.' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	var first [utf8.UTFMax]byte
	n := copy(first[:], s)
	r, _ := utf8.DecodeRune(first[:n])
	return unicode.IsSpace(r)
}
