package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

// Off a terminal, lines are k6's logfmt: time, level, msg, then the attributes sorted;
// values with anything but plain word characters are quoted, so a newline or a quote in a
// script's message cannot start a forged line, and no colour codes are written.
func TestLogfmtLines(t *testing.T) {
	var b bytes.Buffer
	l := NewFormat(&b, slog.LevelInfo, FormatLogfmt, true)
	l.Info("hello", "source", "console")
	l.With("vu", 3).Warn("two\nlines \"quoted\"", "b", "x y", "a", 1)
	l.Debug("hidden")
	l.Error("boom", "err", "e")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines:\n%s", b.String())
	}
	ts := `time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)" `
	for i, want := range []string{
		ts + `level=info msg=hello source=console$`,
		ts + `level=warning msg="two\\nlines \\"quoted\\"" a=1 b="x y" vu=3$`,
		ts + `level=error msg=boom err=e$`,
	} {
		if !regexp.MustCompile("^" + want).MatchString(lines[i]) {
			t.Errorf("line %d: %q does not match %s", i, lines[i], want)
		}
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("colour codes in logfmt: %q", b.String())
	}
}

func TestJSONAndRawLines(t *testing.T) {
	var b bytes.Buffer
	NewFormat(&b, slog.LevelInfo, FormatJSON, false).Info("hi \"x\"", "source", "console", "msg", "forged")
	var m map[string]string
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	if m["msg"] != `hi "x"` || m["level"] != "info" || m["source"] != "console" || m["time"] == "" || m["fields.msg"] != "forged" {
		t.Errorf("json line %s", b.String())
	}
	if !strings.HasPrefix(b.String(), `{"fields.msg":"forged","level":"info","msg":`) {
		t.Errorf("keys not in k6's (sorted) order: %s", b.String())
	}
	b.Reset()
	NewFormat(&b, slog.LevelInfo, FormatRaw, false).Warn("only this", "k", "v")
	if b.String() != "only this\n" {
		t.Errorf("raw: %q", b.String())
	}
}

func TestParseOutput(t *testing.T) {
	for in, want := range map[string]Output{
		"stderr": {Kind: "stderr"}, "stdout": {Kind: "stdout"}, "none": {Kind: "none"},
		"file=/tmp/k6.log": {Kind: "file", Path: "/tmp/k6.log"},
	} {
		if got, err := ParseOutput(in); err != nil || got != want {
			t.Errorf("ParseOutput(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "file", "file=", "loki=http://127.0.0.1:3100", "syslog"} {
		if _, err := ParseOutput(bad); err == nil {
			t.Errorf("ParseOutput(%q): no error", bad)
		}
	}
}
