package neo4j

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQueryNameReplacesLiterals(t *testing.T) {
	cases := []struct{ query, want string }{
		{"RETURN 'secret'", "RETURN ?"},
		{`RETURN "secret", 'it\'s', "a \" b"`, "RETURN ?, ?, ?"},
		{"ALTER USER x SET PASSWORD 'abc' CHANGE NOT REQUIRED", "ALTER USER x SET PASSWORD ? CHANGE NOT REQUIRED"},
		{"MATCH (n) WHERE n.id = 1 RETURN n", "MATCH (n) WHERE n.id = ? RETURN n"},
		{"MATCH (n) WHERE n.id = 2 RETURN n", "MATCH (n) WHERE n.id = ? RETURN n"},
		{"RETURN 1.5, .5, 1e5, 1.5E-3, 0x1F, 0o17, -7, 1_000", "RETURN ?, ?, ?, ?, ?, ?, -?, ?"},
		{"MATCH (n1)-[*1..3]->(m) RETURN n1, $p1, $0, $`a 1`", "MATCH (n1)-[*?..?]->(m) RETURN n1, $p1, $0, $`a 1`"},
		{"MATCH (`a 1`:`L``x`) RETURN `a 1`.`p 2`", "MATCH (`a 1`:`L``x`) RETURN `a 1`.`p 2`"},
		{"RETURN x // the id is 'secret' 42\n, y", "RETURN x , y"},
		{"RETURN /* 'secret' 42 */ x", "RETURN x"},
		{"RETURN a/*c*/b", "RETURN a b"},
		{"  MATCH\n\t(n)\r\n  RETURN   n  ", "MATCH (n) RETURN n"},
		{"RETURN 'unterminated secret", "RETURN ?"},
		{"RETURN `unterminated 'secret'", "RETURN ?"},
		{"RETURN x /* unterminated 'secret'", "RETURN x"},
		{"RETURN 'a\\'", "RETURN ?"},
		{"RETURN ñame1, größe2", "RETURN ñame1, größe2"},
		{"RETURN 3 / 4 * n.x5", "RETURN ? / ? * n.x5"},
		{"RETURN {a: 1, b: 'x'}", "RETURN {a: ?, b: ?}"},
		{"", ""},
	}
	for _, c := range cases {
		if got := queryName(c.query); got != c.want {
			t.Errorf("queryName(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}

func TestQueryNameIsCutAfterNormalising(t *testing.T) {
	q := "MATCH (n:Person) WHERE n.name = '" + strings.Repeat("x", 500) + "' AND n.age > 30 RETURN n.name, n.age ORDER BY n.age"
	got := queryName(q)
	if strings.Contains(got, "xxx") {
		t.Fatalf("literal survived: %q", got)
	}
	want := "MATCH (n:Person) WHERE n.name = ? AND n.age > ? RETURN n.nam…"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	long := strings.Repeat("é", 40) // 80 bytes: the cut must not split a character
	if got := queryName(long); !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || len(got) > queryNameMax+len("…") {
		t.Fatalf("queryName(%q) = %q", long, got)
	}
}

// Every quote in a default name is inside a `quoted name`: no string literal, or part of
// one, is left.
func quotesOutsideNames(name string) bool {
	inName := false
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '`':
			inName = !inName
		case '\'', '"':
			if !inName {
				return true
			}
		}
	}
	return false
}

// openAt says whether q leaves a string, comment or quoted name open, so that what follows
// it is not Cypher at the top level. It is written apart from the scanner on purpose.
func openAt(q string) bool {
	const (
		top = iota
		inString
		inLineComment
		inBlockComment
		inName
	)
	state := top
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		next := byte(0)
		if i+1 < len(q) {
			next = q[i+1]
		}
		switch state {
		case top:
			switch {
			case c == '\'' || c == '"':
				state, quote = inString, c
			case c == '`':
				state = inName
			case c == '/' && next == '/':
				state = inLineComment
				i++
			case c == '/' && next == '*':
				state = inBlockComment
				i++
			}
		case inString:
			if c == '\\' {
				i++
			} else if c == quote {
				state = top
			}
		case inLineComment:
			if c == '\n' {
				state = top
			}
		case inBlockComment:
			if c == '*' && next == '/' {
				state = top
				i++
			}
		case inName:
			if c == '`' {
				if next == '`' {
					i++
				} else {
					state = top
				}
			}
		}
	}
	return state != top
}

// FuzzQueryNameKeepsNoLiteral: a string literal written anywhere a literal can stand in a
// query never shows in its default name, whatever surrounds it, and no quote is left
// outside a quoted name.
func FuzzQueryNameKeepsNoLiteral(f *testing.F) {
	for _, s := range [][3]string{
		{"RETURN", "secret", ""},
		{"MATCH (n {a: 'x'}) WHERE n.b =", "it's \\ a \"pw\"", "RETURN n"},
		{"RETURN `a``b`,", "*/ // \n", "/* c */ 1.5e3"},
		{"CALL { RETURN 1 } //x\n RETURN", "\x00\xff", "$p"},
		{"", "", ""},
		{"RETURN \"", "x", "\""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, before, content, after string) {
		if name := queryName(before + content + after); quotesOutsideNames(name) {
			t.Fatalf("quote outside a quoted name in %q", name)
		}
		const mark = "Zq9"
		if openAt(before) || strings.Contains(before+after, mark[:2]) {
			return
		}
		for _, quote := range []string{"'", `"`} {
			esc := strings.NewReplacer(`\`, `\\`, quote, `\`+quote).Replace(mark + content)
			q := before + " " + quote + esc + quote + " " + after
			name := queryName(q)
			if strings.Contains(name, mark[:2]) {
				t.Fatalf("queryName(%q) = %q keeps the literal", q, name)
			}
			if quotesOutsideNames(name) {
				t.Fatalf("queryName(%q) = %q: quote outside a quoted name", q, name)
			}
		}
	})
}

func BenchmarkQueryName(b *testing.B) {
	q := "MATCH (p:Person {id: $id})-[:KNOWS*1..2]->(f) WHERE f.age > 30 AND f.name <> 'x' RETURN f.name AS name LIMIT 10"
	for b.Loop() {
		_ = queryName(q)
	}
}
