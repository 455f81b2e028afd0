package metrics

import (
	"testing"
	"unicode/utf8"
)

func TestEscapeControlMakesEveryControlCharacterVisible(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"plain name é 中文 🙂":    "plain name é 中文 🙂",
		`back\slash`:           `back\slash`,
		"nul\x00":              `nul\x00`,
		"a\nb\rc\td":           `a\nb\rc\td`,
		"\x1b[31mred\x1b[0m":   `\x1b[31mred\x1b[0m`,
		"del\x7f":              `del\x7f`,
		"c1\u0085\u009f\u00a0": `c1\u0085\u009f` + "\u00a0",
		"bad\xff\xfeutf8":      `bad\xff\xfeutf8`,
		"\x01\x1f":             `\x01\x1f`,
	} {
		got := EscapeControl(in)
		if got != want {
			t.Errorf("EscapeControl(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("EscapeControl(%q) = %q is not valid UTF-8", in, got)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				t.Errorf("EscapeControl(%q) = %q still holds %U", in, got, r)
			}
		}
	}
}

func TestEscapeControlDoesNotAllocateForCleanText(t *testing.T) {
	s := "MATCH (p:Person {id: $id}) RETURN p.name — é"
	if n := testing.AllocsPerRun(100, func() { _ = EscapeControl(s) }); n != 0 {
		t.Fatalf("%v allocations for text without control characters", n)
	}
}

func TestValidUTF8(t *testing.T) {
	if got := ValidUTF8("ok\x00é"); got != "ok\x00é" {
		t.Errorf("valid text changed: %q", got)
	}
	if got := ValidUTF8("a\xffb"); got != "a\uFFFDb" {
		t.Errorf("ValidUTF8 = %q", got)
	}
}
