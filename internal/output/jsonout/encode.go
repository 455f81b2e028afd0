package jsonout

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// encoder turns samples into lines. Lines are built by hand rather than with encoding/json:
// the key order is part of the format, and a Point line then costs no allocation.
// It is owned by the writer goroutine.
type encoder struct {
	desc map[string]*metricDesc // from the thresholds, by metric name

	seen      map[*metrics.Metric]struct{}
	seenNames map[string]struct{} // so a second *Metric of one name is not described twice

	buf []byte // the line being built

	// pending are Server lines not written yet; AddServer adds them from any goroutine.
	mu         sync.Mutex
	pending    [][]byte
	anyPending atomic.Bool
}

// addPending queues a whole line for the writer goroutine.
func (e *encoder) addPending(line []byte) {
	e.mu.Lock()
	e.pending = append(e.pending, line)
	e.anyPending.Store(true)
	e.mu.Unlock()
}

// takePending returns the queued lines and empties the queue.
func (e *encoder) takePending() [][]byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	lines := e.pending
	e.pending = nil
	e.anyPending.Store(false)
	return lines
}

// metricDesc is what a Metric line says beyond the metric itself.
type metricDesc struct {
	thresholds []string
	submetrics []submetric
}

// submetric is one threshold key with a tag selector, e.g. `neo4j_query_duration{name:q1}`.
type submetric struct {
	name   string // parent + "{" + suffix + "}"
	suffix string // the selector as written, without braces
	tags   *metrics.TagSet
}

// newEncoder reads the thresholds as output.Params carries them: keys are options.thresholds
// keys (a metric name, or `metric{tag:value}`), values the threshold expressions under them.
// A plain key's expressions become the metric's "thresholds"; a key with a selector becomes a
// submetric of its metric (its expressions are not repeated on the parent, as in k6). Keys
// that do not parse are left out: the options layer reports them.
func newEncoder(thresholds map[string][]string) *encoder {
	e := &encoder{
		desc:      map[string]*metricDesc{},
		seen:      map[*metrics.Metric]struct{}{},
		seenNames: map[string]struct{}{},
		buf:       make([]byte, 0, 512),
	}
	raw := make(map[string]json.RawMessage, len(thresholds))
	for k := range thresholds {
		raw[k] = json.RawMessage("[]") // only the keys are parsed here
	}
	parsed, _ := metrics.ParseThresholds(raw) // sorted by key
	for _, mt := range parsed {
		d := e.desc[mt.Metric]
		if d == nil {
			d = &metricDesc{}
			e.desc[mt.Metric] = d
		}
		if mt.Filter == nil {
			d.thresholds = append(d.thresholds, thresholds[mt.Key]...)
			continue
		}
		open := strings.IndexByte(mt.Key, '{')
		suffix := strings.TrimSpace(mt.Key[open+1 : len(mt.Key)-1])
		d.submetrics = append(d.submetrics, submetric{
			name:   mt.Metric + "{" + suffix + "}",
			suffix: suffix,
			tags:   mt.Filter,
		})
	}
	return e
}

// metricLine returns the Metric line for m the first time m is seen, nil afterwards.
func (e *encoder) metricLine(m *metrics.Metric) []byte {
	if _, ok := e.seen[m]; ok {
		return nil
	}
	e.seen[m] = struct{}{}
	if _, ok := e.seenNames[m.Name]; ok {
		return nil
	}
	e.seenNames[m.Name] = struct{}{}
	return e.appendMetric(nil, m)
}

// appendMetric appends
// {"type":"Metric","data":{"name":N,"type":T,"contains":C,"thresholds":[...],"submetrics":...},"metric":N}
// and a newline.
func (e *encoder) appendMetric(b []byte, m *metrics.Metric) []byte {
	d := e.desc[m.Name]
	if d == nil {
		d = &metricDesc{}
	}
	b = append(b, `{"type":"Metric","data":{"name":`...)
	b = appendString(b, m.Name)
	b = append(b, `,"type":`...)
	b = appendString(b, m.Type.String())
	b = append(b, `,"contains":`...)
	b = appendString(b, m.Contains.String())
	b = append(b, `,"thresholds":[`...)
	for i, src := range d.thresholds {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, src)
	}
	b = append(b, `],"submetrics":`...)
	if len(d.submetrics) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, sm := range d.submetrics {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, sm.name)
			b = append(b, `,"suffix":`...)
			b = appendString(b, sm.suffix)
			b = append(b, `,"tags":`...)
			b = appendTags(b, sm.tags)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `},"metric":`...)
	b = appendString(b, m.Name)
	return append(b, "}\n"...)
}

// appendPoint appends
// {"metric":N,"type":"Point","data":{"time":T,"value":V,"tags":{...}}}
// and a newline. k6 orders a Point's keys metric, type, data (unlike a Metric line's type,
// data, metric), and tools that read the file line by line rely on it. Our samples carry no
// metadata, so the "metadata" key k6 adds when a sample has some never appears.
func (e *encoder) appendPoint(b []byte, s *metrics.Sample) []byte {
	b = append(b, `{"metric":`...)
	b = appendString(b, s.Metric.Name)
	b = append(b, `,"type":"Point","data":{"time":`...)
	b = appendTime(b, s.Time)
	b = append(b, `,"value":`...)
	b = appendFloat(b, s.Value)
	b = append(b, `,"tags":`...)
	b = appendTags(b, s.Tags)
	return append(b, "}}\n"...)
}

// appendTime writes t as encoding/json does: RFC 3339 with nanoseconds, trailing zeros
// dropped, in t's own zone.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendTags writes the set as an object in key order; an empty set is null, as k6 writes a
// sample without tags.
func appendTags(b []byte, ts *metrics.TagSet) []byte {
	tags := ts.Tags()
	if len(tags) == 0 {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, t := range tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, t.Key)
		b = append(b, ':')
		b = appendString(b, t.Value)
	}
	return append(b, '}')
}

// appendFloat writes f as encoding/json does (shortest form that reads back the same, an
// exponent only for very small or very large magnitudes). JSON has no NaN or infinity: those
// are written as null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 -> 1e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Unlike encoding/json's default it does not escape
// <, > and & (k6's output writes "p(95)<200" as is); control characters, quotes, backslashes,
// U+2028 and U+2029 are escaped and invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
