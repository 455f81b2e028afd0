package logging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// Format is how a log line is laid out. k6 has the same choices (--log-format): its text
// format is the bracketed one on a terminal and logfmt elsewhere, so a redirected stderr
// gets machine-readable lines and no colour codes.
type Format int

const (
	// FormatTerminal is `INFO[0003] message  key=value`, optionally coloured.
	FormatTerminal Format = iota
	// FormatLogfmt is `time="…" level=info msg="…" key=value`, keys after msg sorted.
	FormatLogfmt
	// FormatJSON is one JSON object a line, keys sorted (level, msg, time and the attributes).
	FormatJSON
	// FormatRaw is the message alone.
	FormatRaw
)

// NewFormat returns a logger writing lines in format f.
func NewFormat(w io.Writer, level slog.Leveler, f Format, color bool) *slog.Logger {
	if f == FormatTerminal {
		return New(w, level, color)
	}
	return slog.New(&lineHandler{mu: &sync.Mutex{}, w: w, level: level, format: f})
}

// Output is where --log-output sends the logs.
type Output struct {
	Kind string // stderr, stdout, none or file
	Path string // for file
}

// ParseOutput reads k6's --log-output forms this tool supports: stderr, stdout, none and
// file=PATH. Loki is refused by name, since sending logs anywhere but 127.0.0.1 is out of scope.
func ParseOutput(s string) (Output, error) {
	switch {
	case s == "stderr" || s == "stdout" || s == "none":
		return Output{Kind: s}, nil
	case strings.HasPrefix(s, "file="):
		p := strings.TrimPrefix(s, "file=")
		if p == "" {
			return Output{}, errors.New(`"file=" needs a path: file=PATH`)
		}
		return Output{Kind: "file", Path: p}, nil
	case s == "file":
		return Output{}, errors.New(`"file" needs a path: file=PATH`)
	case strings.HasPrefix(s, "loki"):
		return Output{}, fmt.Errorf("%q: loki is not supported; use stderr, stdout, none or file=PATH", s)
	}
	return Output{}, fmt.Errorf("%q: want stderr, stdout, none or file=PATH", s)
}

// lineHandler writes the logfmt, JSON and raw formats.
type lineHandler struct {
	mu     *sync.Mutex
	w      io.Writer
	level  slog.Leveler
	format Format
	attrs  []slog.Attr
}

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &n
}

func (h *lineHandler) WithGroup(string) slog.Handler { return h }

// levelName is k6's (logrus's) lower-case level word.
func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warning"
	case l < slog.LevelInfo:
		return "debug"
	}
	return "info"
}

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	fields := map[string]string{}
	add := func(a slog.Attr) bool {
		flatten(a, fields)
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	var line []byte
	switch h.format {
	case FormatRaw:
		line = []byte(r.Message + "\n")
	case FormatJSON:
		obj := map[string]string{"level": levelName(r.Level), "msg": r.Message, "time": t.Format(time.RFC3339)}
		for k, v := range fields {
			if _, taken := obj[k]; taken {
				k = "fields." + k // as logrus does, so an attribute cannot replace the message
			}
			obj[k] = v
		}
		b, err := json.Marshal(obj) // map keys come out sorted
		if err != nil {
			return err
		}
		line = append(b, '\n')
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "time=%s level=%s msg=%s", logfmtValue(t.Format(time.RFC3339)), levelName(r.Level), logfmtValue(r.Message))
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			name := k
			if k == "time" || k == "level" || k == "msg" {
				name = "fields." + k // as logrus does, so an attribute cannot pass for the message
			}
			fmt.Fprintf(&b, " %s=%s", logfmtValue(name), logfmtValue(fields[k]))
		}
		b.WriteByte('\n')
		line = []byte(b.String())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(line)
	return err
}

// flatten resolves an attribute (a LogValuer that redacts itself prints its LogValue) and
// flattens groups, skipping empty ones as slog.Handler asks.
func flatten(a slog.Attr, into map[string]string) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			flatten(g, into)
		}
		return
	}
	into[a.Key] = a.Value.String()
}

// logfmtValue quotes a value unless it is made only of characters that cannot end or
// confuse a logfmt token (logrus's rule), so a newline, a quote or a control character in a
// script's message is escaped and can never start a forged line.
func logfmtValue(v string) string {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._/@^+", c)) {
			return fmt.Sprintf("%q", v)
		}
	}
	return v
}
