package locust

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
)

// ErrorKey is the key of an error in a stats report: the hex sha256 of
// method + "." + name + "." + repr(error), the key Locust itself uses, so the same error
// from a Python worker and from ours lands on one row of the master's failures table.
func ErrorKey(method, name, err string) string {
	sum := sha256.Sum256([]byte(method + "." + name + "." + pyRepr(err)))
	return hex.EncodeToString(sum[:])
}

// pyRepr is Python's repr() of a str: single quotes unless the text has a single quote and
// no double quote; backslash, the quote, \t \n \r escaped; other unprintable characters as
// \xNN, \uNNNN or \UNNNNNNNN; printable non-ASCII text as it is.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' || r < 0x7f && r >= 0x20:
			b.WriteRune(r)
		case r < 0x100 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}
