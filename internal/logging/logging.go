// Package logging is the host's log format, the one k6 users read: `INFO[0003] message
// key=value`, the bracket holding seconds since the run started.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Handler is a slog.Handler writing k6-style lines.
type Handler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	start time.Time
	attrs []slog.Attr
	color bool
}

// New returns a logger writing to w from level on; start is the run's start.
func New(w io.Writer, level slog.Leveler, color bool) *slog.Logger {
	return slog.New(&Handler{mu: &sync.Mutex{}, w: w, level: level, start: time.Now(), color: color})
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	lvl, col := "INFO", "\x1b[36m"
	switch {
	case r.Level >= slog.LevelError:
		lvl, col = "ERRO", "\x1b[31m"
	case r.Level >= slog.LevelWarn:
		lvl, col = "WARN", "\x1b[33m"
	case r.Level < slog.LevelInfo:
		lvl, col = "DEBU", "\x1b[37m"
	}
	if h.color {
		lvl = col + lvl + "\x1b[0m"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s[%04d] %s", lvl, int(time.Since(h.start).Seconds()), safeMessage(r.Message))
	for _, a := range h.attrs {
		writeAttr(&b, a)
	}
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// safeMessage keeps a message's lines (an exception's stack has several) but escapes every
// control character within them (a NUL or an escape sequence from a script would corrupt the
// terminal), and indents a continuation line that starts without white space, so no text a
// script throws can pass for a log entry of its own.
func safeMessage(m string) string {
	if !strings.ContainsFunc(m, func(r rune) bool { return r == utf8.RuneError || !unicode.IsPrint(r) && r != '\t' }) {
		return m
	}
	lines := strings.Split(m, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t") // tabs indent a stack's frames: keep them
		for j, p := range parts {
			parts[j] = metrics.EscapeControl(p)
		}
		l = strings.Join(parts, "\t")
		if i > 0 && l != "" && l[0] != ' ' && l[0] != '\t' {
			l = "  " + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// writeAttr appends "  key=value". The value is resolved first, so a type that redacts
// itself through slog.LogValuer (a password) prints its LogValue. Groups are flattened, as
// WithGroup is; empty attributes and groups are skipped, as slog.Handler asks.
func writeAttr(b *strings.Builder, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, g)
		}
		return
	}
	fmt.Fprintf(b, "  %s=%s", a.Key, quoteIfNeeded(a.Value.String()))
}

// quoteIfNeeded quotes a value that would not read back as one token: one with a space or
// a quote, or with a newline, carriage return or other control character, which written raw
// would end the entry and let a script forge the lines after it.
func quoteIfNeeded(v string) string {
	if strings.ContainsAny(v, ` "`) || !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(v)
	}
	return v
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &n
}

// WithGroup implements slog.Handler; groups are flattened.
func (h *Handler) WithGroup(string) slog.Handler { return h }
