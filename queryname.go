package neo4j

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// queryNameMax is where a default query name is cut (in bytes, after normalising).
const queryNameMax = 60

// queryName is the `name` tag when the script gives none: the query with its literals
// replaced by ?, comments dropped and white space collapsed, cut short so that tags stay
// small. A name lands in tags, outputs and reports, so it must not carry data written into
// the query (RETURN 'secret', SET PASSWORD '…'); and WHERE id = 1 and WHERE id = 2 are one
// query.
func queryName(cypher string) string {
	s := normalizeCypher(cypher)
	if len(s) > queryNameMax {
		cut := queryNameMax
		for cut > 0 && !utf8.RuneStart(s[cut]) { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// normalizeCypher scans Cypher just enough to find its literals: '…' and "…" strings (with
// backslash escapes) and numbers (12, 1.5, .5, 1e-3, 0x1F, 0o17) become ?, // and /* */
// comments go, runs of white space become one space. Identifiers (n1), parameters ($p1,
// $0) and `quoted names` stay as written. Whatever is left open at the end (a string, a
// comment, a quoted name) is dropped as a literal would be.
func normalizeCypher(q string) string {
	var b strings.Builder
	b.Grow(min(len(q), 2*queryNameMax))
	space := false // white space or a comment since the last token
	emit := func(tok string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(tok)
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			i = stringEnd(q, i)
			emit("?")
		case c == '/' && i+1 < len(q) && q[i+1] == '/':
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(q)
			}
			space = true
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			if j := strings.Index(q[i+2:], "*/"); j >= 0 {
				i += 2 + j + 2
			} else {
				i = len(q)
			}
			space = true
		case c == '`':
			j, ok := quotedNameEnd(q, i)
			if ok {
				emit(q[i:j])
			} else {
				emit("?")
			}
			i = j
		case c == '$':
			j := i + 1
			if j < len(q) && q[j] == '`' {
				end, ok := quotedNameEnd(q, j)
				if !ok {
					emit("?")
					i = end
					break
				}
				j = end
			} else {
				j = identEnd(q, j)
			}
			emit(q[i:j])
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(q) && isDigit(q[i+1]) && !afterValue(q, i)):
			i = numberEnd(q, i)
			emit("?")
		case c < utf8.RuneSelf:
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				space = true
				i++
				break
			}
			if c == '_' || isLetter(c) {
				j := identEnd(q, i)
				emit(q[i:j])
				i = j
				break
			}
			emit(q[i : i+1])
			i++
		default:
			r, size := utf8.DecodeRuneInString(q[i:])
			switch {
			case unicode.IsSpace(r):
				space = true
				i += size
			case unicode.IsLetter(r):
				j := identEnd(q, i)
				emit(q[i:j])
				i = j
			case r == utf8.RuneError && size == 1:
				emit("\uFFFD") // keep the name valid UTF-8
				i++
			default:
				emit(q[i : i+size])
				i += size
			}
		}
	}
	return b.String()
}

// afterValue says whether the '.' at i follows something it belongs to (1..3, n.x, `a`.b),
// so that it does not start a number such as .5.
func afterValue(q string, i int) bool {
	if i == 0 {
		return false
	}
	p := q[i-1]
	return p == '.' || p == '_' || p == '`' || isLetter(p) || isDigit(p) || p >= utf8.RuneSelf
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// identEnd returns the end of the identifier (letters, digits, _) that starts at i.
func identEnd(q string, i int) int {
	for i < len(q) {
		c := q[i]
		if c < utf8.RuneSelf {
			if c != '_' && !isLetter(c) && !isDigit(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(q[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Pc, r) {
			return i
		}
		i += size
	}
	return i
}

// stringEnd returns the end of the string literal whose quote is at i: after its closing
// quote, or len(q) when it has none.
func stringEnd(q string, i int) int {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			j++ // the escaped character, whatever it is
		case quote:
			return j + 1
		}
	}
	return len(q)
}

// quotedNameEnd returns the end of the `quoted name` that starts at i (a doubled backtick
// inside it is a backtick), and whether it is closed.
func quotedNameEnd(q string, i int) (int, bool) {
	for j := i + 1; j < len(q); j++ {
		if q[j] == '`' {
			if j+1 < len(q) && q[j+1] == '`' {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(q), false
}

// numberEnd returns the end of the number that starts at i: digits and letters (hex, octal,
// exponents, and whatever a typo adds), underscores, one fraction point followed by a digit
// (so the range 1..3 is two numbers), and an exponent's sign.
func numberEnd(q string, i int) int {
	hex := i+1 < len(q) && q[i] == '0' && (q[i+1] == 'x' || q[i+1] == 'X')
	point := false
	j := i
	for j < len(q) {
		c := q[j]
		switch {
		case isDigit(c) || isLetter(c) || c == '_':
			j++
		case c == '.' && !point && j+1 < len(q) && isDigit(q[j+1]):
			point = true
			j++
		case (c == '+' || c == '-') && !hex && j > i && (q[j-1] == 'e' || q[j-1] == 'E') && j+1 < len(q) && isDigit(q[j+1]):
			j++
		default:
			return j
		}
	}
	return j
}
