package logging

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// overlapWriter is an unsynchronised buffer that also notices two Writes at once: the
// handler's lock is all that keeps concurrent VUs' lines whole on such a writer.
type overlapWriter struct {
	inFlight atomic.Int32
	overlaps atomic.Int32
	b        bytes.Buffer
}

func (w *overlapWriter) Write(p []byte) (int, error) {
	if w.inFlight.Add(1) > 1 {
		w.overlaps.Add(1)
	}
	defer w.inFlight.Add(-1)
	runtime.Gosched() // widen the window a concurrent Write would hit
	return w.b.Write(p)
}

func TestLineFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string
	}{
		{"message only", func(l *slog.Logger) { l.Info("starting") }, "INFO[0000] starting\n"},
		{"one attribute", func(l *slog.Logger) { l.Info("msg", "key", "value") }, "INFO[0000] msg  key=value\n"},
		{"several attributes in order", func(l *slog.Logger) { l.Info("msg", "b", 1, "a", true, "c", 1.5) },
			"INFO[0000] msg  b=1  a=true  c=1.5\n"},
		{"value with a space is quoted", func(l *slog.Logger) { l.Info("msg", "error", "connection refused") },
			"INFO[0000] msg  error=\"connection refused\"\n"},
		{"value with a tab is quoted", func(l *slog.Logger) { l.Info("msg", "v", "a\tb") },
			"INFO[0000] msg  v=\"a\\tb\"\n"},
		{"value with a quote is quoted and escaped", func(l *slog.Logger) { l.Info("msg", "q", `say "hi"`) },
			"INFO[0000] msg  q=\"say \\\"hi\\\"\"\n"},
		{"identity is not quoted", func(l *slog.Logger) { l.Info("connected", "identity", "neo4j@127.0.0.1:7687") },
			"INFO[0000] connected  identity=neo4j@127.0.0.1:7687\n"},
		{"error attribute", func(l *slog.Logger) { l.Error("query failed", "err", errors.New("boom")) },
			"ERRO[0000] query failed  err=boom\n"},
		{"duration attribute", func(l *slog.Logger) { l.Warn("slow", "took", 1500*time.Millisecond) },
			"WARN[0000] slow  took=1.5s\n"},
		{"logger attributes come first", func(l *slog.Logger) { l.With("vu", 3).Info("msg", "iter", 7) },
			"INFO[0000] msg  vu=3  iter=7\n"},
		{"chained With keeps both", func(l *slog.Logger) { l.With("a", 1).With("b", 2).Info("msg") },
			"INFO[0000] msg  a=1  b=2\n"},
		{"groups are flattened", func(l *slog.Logger) { l.WithGroup("g").Info("msg", "k", "v") },
			"INFO[0000] msg  k=v\n"},
		{"value with a newline stays on one line", func(l *slog.Logger) { l.Info("msg", "stack", "line1\nline2") },
			"INFO[0000] msg  stack=\"line1\\nline2\"\n"},
		{"forged entry stays in the value", func(l *slog.Logger) { l.Info("msg", "v", "x\nERRO[0000] forged") },
			"INFO[0000] msg  v=\"x\\nERRO[0000] forged\"\n"},
		{"value with a carriage return is quoted", func(l *slog.Logger) { l.Info("msg", "v", "a\rb") },
			"INFO[0000] msg  v=\"a\\rb\"\n"},
		{"value with an escape sequence is quoted", func(l *slog.Logger) { l.Info("msg", "v", "\x1b[2Jx") },
			"INFO[0000] msg  v=\"\\x1b[2Jx\"\n"},
		{"value with a line separator is quoted", func(l *slog.Logger) { l.Info("msg", "v", "a\u2028b") },
			"INFO[0000] msg  v=\"a\\u2028b\"\n"},
		{"invalid UTF-8 is quoted", func(l *slog.Logger) { l.Info("msg", "v", "a\xffb") },
			"INFO[0000] msg  v=\"a\\xffb\"\n"},
		{"non-ASCII letters are not quoted", func(l *slog.Logger) { l.Info("msg", "name", "café_人物") },
			"INFO[0000] msg  name=café_人物\n"},
		{"logger attribute with a newline is quoted", func(l *slog.Logger) { l.With("v", "a\nb").Info("msg") },
			"INFO[0000] msg  v=\"a\\nb\"\n"},
		{"inline group is flattened", func(l *slog.Logger) { l.Info("msg", slog.Group("g", "a", 1, "b", "x y")) },
			"INFO[0000] msg  a=1  b=\"x y\"\n"},
		{"empty attribute is skipped", func(l *slog.Logger) { l.Info("msg", slog.Attr{}, "k", "v") },
			"INFO[0000] msg  k=v\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			tc.log(New(&b, slog.LevelDebug, false))
			if got := b.String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A slog.LogValuer is how a type hides a secret (a password) from logs: its LogValue must be
// what is printed.
type secret string

func (secret) LogValue() slog.Value { return slog.StringValue("REDACTED") }

func TestLogValuerIsResolved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"record attribute", func(l *slog.Logger) { l.Info("connecting", "password", secret("hunter2")) }},
		{"logger attribute", func(l *slog.Logger) { l.With("password", secret("hunter2")).Info("connecting") }},
		{"inside a group", func(l *slog.Logger) { l.Info("connecting", slog.Group("auth", "password", secret("hunter2"))) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			tc.log(New(&b, slog.LevelInfo, false))
			if got := b.String(); strings.Contains(got, "hunter2") || !strings.Contains(got, "password=REDACTED") {
				t.Errorf("got %q, want password=REDACTED", got)
			}
		})
	}
}

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		level slog.Level
		want  string
	}{
		{"error", slog.LevelError, "ERRO"},
		{"above error", slog.LevelError + 4, "ERRO"},
		{"warn", slog.LevelWarn, "WARN"},
		{"between warn and error", slog.LevelWarn + 2, "WARN"},
		{"info", slog.LevelInfo, "INFO"},
		{"between info and warn", slog.LevelInfo + 1, "INFO"},
		{"debug", slog.LevelDebug, "DEBU"},
		{"below debug", slog.LevelDebug - 4, "DEBU"},
		{"between debug and info", slog.LevelInfo - 1, "DEBU"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			New(&b, slog.Level(-100), false).Log(context.Background(), tc.level, "msg")
			if got, want := b.String(), tc.want+"[0000] msg\n"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestLevelFiltering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		min   slog.Level
		wants []string
	}{
		{"debug shows all", slog.LevelDebug, []string{"DEBU", "INFO", "WARN", "ERRO"}},
		{"info hides debug", slog.LevelInfo, []string{"INFO", "WARN", "ERRO"}},
		{"warn", slog.LevelWarn, []string{"WARN", "ERRO"}},
		{"error only", slog.LevelError, []string{"ERRO"}},
		{"above error shows nothing", slog.LevelError + 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			l := New(&b, tc.min, false)
			l.Debug("d")
			l.Info("i")
			l.Warn("w")
			l.Error("e")
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				if line != "" {
					got = append(got, line[:4])
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.wants, ",") {
				t.Errorf("levels written = %v, want %v", got, tc.wants)
			}
		})
	}
}

// `--verbose` can flip the level while the run goes on: a *slog.LevelVar is read per record.
func TestLevelVarChangesApply(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	var lv slog.LevelVar
	lv.Set(slog.LevelInfo)
	l := New(&b, &lv, false)
	l.Debug("hidden")
	lv.Set(slog.LevelDebug)
	l.Debug("shown")
	if got := b.String(); got != "DEBU[0000] shown\n" {
		t.Errorf("got %q", got)
	}
}

func TestSecondsSinceStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ago  time.Duration
		want string
	}{
		{"just started", 0, "[0000]"},
		{"under a second", 900 * time.Millisecond, "[0000]"},
		{"seconds", 75 * time.Second, "[0075]"},
		{"truncated not rounded", 3*time.Second + 999*time.Millisecond, "[0003]"},
		{"past four digits", 10001 * time.Second, "[10001]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			h := &Handler{mu: &sync.Mutex{}, w: &b, level: slog.LevelInfo, start: time.Now().Add(-tc.ago)}
			slog.New(h).Info("tick")
			if got, want := b.String(), "INFO"+tc.want+" tick\n"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestColor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		level slog.Level
		code  string
		label string
	}{
		{"error red", slog.LevelError, "\x1b[31m", "ERRO"},
		{"warn yellow", slog.LevelWarn, "\x1b[33m", "WARN"},
		{"info cyan", slog.LevelInfo, "\x1b[36m", "INFO"},
		{"debug white", slog.LevelDebug, "\x1b[37m", "DEBU"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			New(&b, slog.LevelDebug, true).Log(context.Background(), tc.level, "msg", "k", "v")
			if got, want := b.String(), tc.code+tc.label+"\x1b[0m[0000] msg  k=v\n"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	var b bytes.Buffer
	New(&b, slog.LevelDebug, false).Error("msg")
	if strings.Contains(b.String(), "\x1b[") {
		t.Errorf("ANSI codes without color: %q", b.String())
	}
}

// With returns a new logger: neither the parent nor a sibling gets the child's attributes.
func TestWithDoesNotLeak(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	// Three attributes in two steps leave spare capacity in the slice that holds them, so an
	// in-place append would let siblings overwrite each other.
	parent := New(&b, slog.LevelInfo, false).With("run", 1, "host", "h").With("scenario", "s")
	x := parent.With("vu", 1)
	y := parent.With("vu", 2)
	parent.Info("p")
	x.Info("x")
	y.Info("y")
	want := "INFO[0000] p  run=1  host=h  scenario=s\n" +
		"INFO[0000] x  run=1  host=h  scenario=s  vu=1\n" +
		"INFO[0000] y  run=1  host=h  scenario=s  vu=2\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

type errWriter struct{}

var errClosed = errors.New("closed")

func (errWriter) Write([]byte) (int, error) { return 0, errClosed }

func TestHandleReturnsWriteError(t *testing.T) {
	t.Parallel()
	h := New(errWriter{}, slog.LevelInfo, false).Handler()
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "msg", 0)
	if err := h.Handle(context.Background(), r); !errors.Is(err, errClosed) {
		t.Errorf("Handle = %v, want the writer's error", err)
	}
}

var lineRE = regexp.MustCompile(`^INFO\[\d{4}\] iteration  vu=(\d+)  scenario=default  iter=(\d+)$`)

// Every VU logs through loggers derived from one: lines never interleave, none are lost.
func TestConcurrentLogging(t *testing.T) {
	t.Parallel()
	const vus, iters = 50, 100
	var out overlapWriter
	root := New(&out, slog.LevelInfo, false)
	var wg sync.WaitGroup
	for vu := range vus {
		wg.Go(func() {
			l := root.With("vu", vu, "scenario", "default")
			for i := range iters {
				l.Info("iteration", "iter", i)
				l.Debug("filtered")
			}
		})
	}
	wg.Wait()
	if n := out.overlaps.Load(); n > 0 {
		t.Errorf("%d writes overlapped: the handler must serialise writes", n)
	}
	lines := strings.Split(strings.TrimSuffix(out.b.String(), "\n"), "\n")
	if len(lines) != vus*iters {
		t.Fatalf("%d lines, want %d", len(lines), vus*iters)
	}
	seen := make(map[string]bool, len(lines))
	for _, l := range lines {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("malformed or interleaved line %q", l)
		}
		seen[m[1]+"/"+m[2]] = true
	}
	for vu := range vus {
		for i := range iters {
			if !seen[strconv.Itoa(vu)+"/"+strconv.Itoa(i)] {
				t.Fatalf("vu %d iteration %d is missing", vu, i)
			}
		}
	}
}

// A script's exception text reaches the log: its control characters are shown as escapes,
// its stack keeps its lines, and no line of it can pass for a log entry of its own.
func TestMessageControlCharactersAreEscaped(t *testing.T) {
	var b bytes.Buffer
	New(&b, slog.LevelInfo, false).Error("Error: a\x00b\x1b[31mred\nINFO[0001] forged\n\tat default (script.js:3:9)")
	got := b.String()
	if strings.ContainsAny(got, "\x00\x1b") {
		t.Fatalf("raw control characters in %q", got)
	}
	for _, want := range []string{`a\x00b\x1b[31mred`, "\n  INFO[0001] forged\n", "\n\tat default (script.js:3:9)"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in %q", want, got)
		}
	}
	if n := strings.Count(got, "\nINFO["); n != 0 {
		t.Errorf("a forged entry starts a line: %q", got)
	}
}
