package metrics

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// EscapeControl returns s with every control character written as a visible escape, for
// text outputs (CSV, the terminal summary, the report) where a raw NUL, escape sequence or
// line break from a script's name or tag would corrupt the file or the terminal. C0
// characters and DEL become `\n`, `\r`, `\t` or `\xNN`, C1 characters `\u0080`..`\u009f`,
// and bytes that are not valid UTF-8 `\xNN`, so the result is always valid UTF-8. Printable
// text, backslashes included, is kept as is; s itself comes back when nothing needs escaping.
func EscapeControl(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				writeHexByte(&b, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHexByte(&b, c)
		case r >= 0x80 && r <= 0x9f:
			b.WriteString(`\u00`)
			b.WriteString(strconv.FormatInt(int64(r), 16))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func writeHexByte(b *strings.Builder, c byte) {
	const hex = "0123456789abcdef"
	b.WriteString(`\x`)
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&0xf])
}

// firstUnsafe is the index of the first byte EscapeControl changes, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || (r >= 0x80 && r <= 0x9f) {
			return i
		}
		i += size
	}
	return -1
}

// ValidUTF8 returns s with each byte that is not part of valid UTF-8 replaced by U+FFFD, for
// outputs whose wire format demands UTF-8 text (Prometheus remote write's protobuf strings).
func ValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
