// Package logging is the host's log format, the one k6 users read: `INFO[0003] message
// key=value`, the bracket holding seconds since the run started.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
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
	fmt.Fprintf(&b, "%s[%04d] %s", lvl, int(time.Since(h.start).Seconds()), r.Message)
	write := func(a slog.Attr) bool {
		v := a.Value.String()
		if strings.ContainsAny(v, " \t\"") {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&b, "  %s=%s", a.Key, v)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &n
}

// WithGroup implements slog.Handler; groups are flattened.
func (h *Handler) WithGroup(string) slog.Handler { return h }
