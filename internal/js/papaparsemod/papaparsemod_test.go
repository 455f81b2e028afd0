package papaparsemod_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/papaparsemod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// run evaluates expr with the module bound to `papa` and returns its value as JSON.
func run(t *testing.T, expr string) string {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Import("papa", papaparsemod.New())
	v, err := vu.Run(`JSON.stringify(` + expr + `)`)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v.String()
}

func TestParse(t *testing.T) {
	cases := []struct {
		name, expr, want string
	}{
		{"plain rows", `papa.parse('a,b\n1,2').data`, `[["a","b"],["1","2"]]`},
		{"quoted field with a comma", `papa.parse('x,"a, b",y').data`, `[["x","a, b","y"]]`},
		{"doubled quotes", `papa.parse('"say ""hi""",2').data`, `[["say \"hi\"","2"]]`},
		{"quoted newline", `papa.parse('"l1\nl2",b\nc,d').data`, `[["l1\nl2","b"],["c","d"]]`},
		{"CRLF", `papa.parse('a,b\r\n1,2\r\n', {skipEmptyLines: true})`,
			`{"data":[["a","b"],["1","2"]],"errors":[],"meta":{"delimiter":",","linebreak":"\r\n","aborted":false,"truncated":false,"cursor":10}}`},
		{"bare CR", `papa.parse('a,b\r1,2').data`, `[["a","b"],["1","2"]]`},
		{"trailing newline gives an empty last row", `papa.parse('a\n1\n', {delimiter: ','}).data`, `[["a"],["1"],[""]]`},
		{"skipEmptyLines true", `papa.parse('a,b\n\n1,2\n \n', {skipEmptyLines: true}).data`, `[["a","b"],["1","2"],[" "]]`},
		{"skipEmptyLines greedy", `papa.parse('a,b\n\n1,2\n , \n', {skipEmptyLines: 'greedy'}).data`, `[["a","b"],["1","2"]]`},
		{"header rows become objects", `papa.parse('name,age\nann,30\nbo,4', {header: true})`,
			`{"data":[{"name":"ann","age":"30"},{"name":"bo","age":"4"}],"errors":[],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":false,"cursor":20,"fields":["name","age"]}}`},
		{"dynamic typing", `papa.parse('1,-2.5,.5,1e3,true,FALSE,,007,0x10,1 000,9007199254740993,abc', {dynamicTyping: true}).data`,
			`[[1,-2.5,0.5,1000,true,false,null,7,"0x10","1 000","9007199254740993","abc"]]`},
		{"dynamic typing of one header column", `papa.parse('a,b\n1,2', {header: true, dynamicTyping: {b: true}}).data`, `[{"a":"1","b":2}]`},
		{"dynamic typing by function", `papa.parse('1,2', {dynamicTyping: (i) => i === 0}).data`, `[[1,"2"]]`},
		{"dynamic typing of dates", `papa.parse('2024-01-02T03:04:05Z', {dynamicTyping: true}).data[0][0].getTime()`, `1704164645000`},
		{"semicolon guessed", `papa.parse('a;b;c\n1;2;3').meta.delimiter`, `";"`},
		{"tab guessed", `papa.parse('a\tb\n1\t2').data`, `[["a","b"],["1","2"]]`},
		{"pipe guessed", `papa.parse('a|b\n1|2').meta.delimiter`, `"|"`},
		{"comma wins over a semicolon inside quotes", `papa.parse('a,"x;y"\n1,"2;3"').meta.delimiter`, `","`},
		{"one column: undetectable delimiter, defaulted to comma",
			`papa.parse('user\nann\nbo', {header: true})`,
			`{"data":[{"user":"ann"},{"user":"bo"}],"errors":[{"type":"Delimiter","code":"UndetectableDelimiter","message":"Unable to auto-detect delimiting character; defaulted to ','"}],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":false,"cursor":11,"fields":["user"]}}`},
		{"explicit delimiter", `papa.parse('a;b,c', {delimiter: ';'}).data`, `[["a","b,c"]]`},
		{"too few and too many fields", `papa.parse('a,b\n1\n1,2,3', {header: true})`,
			`{"data":[{"a":"1"},{"a":"1","b":"2","__parsed_extra":["3"]}],"errors":[{"type":"FieldMismatch","code":"TooFewFields","message":"Too few fields: expected 2 fields but parsed 1","row":0},{"type":"FieldMismatch","code":"TooManyFields","message":"Too many fields: expected 2 fields but parsed 3","row":1}],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":false,"cursor":11,"fields":["a","b"]}}`},
		{"unterminated quote", `papa.parse('a,"bc\nd', {delimiter: ','})`,
			`{"data":[["a","bc\nd"]],"errors":[{"type":"Quotes","code":"MissingQuotes","message":"Quoted field unterminated","row":0}],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":false,"cursor":7}}`},
		{"stray quote, closed later", `papa.parse('"a"b",c', {delimiter: ','})`,
			`{"data":[["a\"b","c"]],"errors":[{"type":"Quotes","code":"InvalidQuotes","message":"Trailing quote on quoted field is malformed","row":0}],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":false,"cursor":7}}`},
		{"stray quote, never closed", `papa.parse('"a"b,c\nd', {delimiter: ','}).errors.map((e) => e.code)`, `["InvalidQuotes","MissingQuotes"]`},
		{"quote inside an unquoted field is text", `papa.parse('ab"c,d').data`, `[["ab\"c","d"]]`},
		{"spaces after a closing quote", `papa.parse('"a"  ,b').data`, `[["a","b"]]`},
		{"BOM stripped", `papa.parse('\ufeffid,v\n1,2', {header: true}).meta.fields`, `["id","v"]`},
		{"comments", `papa.parse('# note\na,b\n#x\n1,2', {comments: '#'}).data`, `[["a","b"],["1","2"]]`},
		{"preview", `papa.parse('h\n1\n2\n3', {header: true, preview: 2, delimiter: ','})`,
			`{"data":[{"h":"1"},{"h":"2"}],"errors":[],"meta":{"delimiter":",","linebreak":"\n","aborted":false,"truncated":true,"cursor":6,"fields":["h"]}}`},
		{"custom quote and escape", `papa.parse("'a\\'b',c", {quoteChar: "'", escapeChar: '\\'}).data`, `[["a'b","c"]]`},
		{"transformHeader and transform", `papa.parse(' A , B \nx,y', {header: true, transformHeader: (h) => h.trim().toLowerCase(), transform: (v) => v.toUpperCase()}).data`, `[{"a":"X","b":"Y"}]`},
		{"empty input", `papa.parse('', {delimiter: ','}).data`, `[]`},
		{"ArrayBuffer input", `papa.parse(new Uint8Array([97,44,98]).buffer).data`, `[["a","b"]]`},
		{"complete callback", `(() => { let got; papa.parse('a,b', {complete: (r) => { got = r.data; }}); return got; })()`, `[["a","b"]]`},
		{"step gets one row at a time and keeps none", `(() => {
			const rows = []; let done;
			const res = papa.parse('a,b\n1,2\n3', {header: true, step: (r) => rows.push([r.data, r.errors.map((e) => e.code)]), complete: (r) => { done = r.data.length; }});
			return [rows, res.data, done, res.meta.aborted];
		})()`, `[[[{"a":"1","b":"2"},[]],[{"a":"3"},["TooFewFields"]]],[],0,false]`},
		{"step can abort", `(() => {
			const rows = [];
			const res = papa.parse('1\n2\n3', {delimiter: ',', step: (r, parser) => { rows.push(r.data[0]); if (rows.length === 2) parser.abort(); }});
			return [rows, res.meta.aborted];
		})()`, `[["1","2"],true]`},
		{"unparse arrays", `papa.unparse([['a', 'b,c'], ['say "hi"', ' x'], [1, null]])`, `"a,\"b,c\"\r\n\"say \"\"hi\"\"\",\" x\"\r\n1,"`},
		{"unparse objects", `papa.unparse([{id: 1, name: 'ann'}, {id: 2, name: 'bo'}])`, `"id,name\r\n1,ann\r\n2,bo"`},
		{"unparse fields and data", `papa.unparse({fields: ['a', 'b'], data: [[1, 2]]}, {delimiter: ';', newline: '\n', quotes: true})`, `"\"a\";\"b\"\n\"1\";\"2\""`},
		{"parse of unparse round-trips", `papa.parse(papa.unparse([['a,1', 'b\n2', '"c"']])).data`, `[["a,1","b\n2","\"c\""]]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := run(t, c.expr); got != c.want {
				t.Errorf("%s\n got %s\nwant %s", c.expr, got, c.want)
			}
		})
	}
}

func TestParseRefusesBadInput(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`papa.parse()`, "papaparse.parse(): the first argument must be the CSV text"},
		{`papa.parse(42)`, "got 42"},
		{`papa.parse('a', 'x')`, "papaparse.parse(): the config must be an object"},
		{`papa.parse('a', {chunk: () => {}})`, `the "chunk" option is not supported`},
		{`papa.parse('a', {step: (r, p) => p.pause()})`, `parser.pause() is not supported here`},
		{`papa.unparse(5)`, "papaparse.unparse(): the data must be an array"},
	}
	for _, c := range cases {
		vu := modulestest.NewVU(t)
		vu.Import("papa", papaparsemod.New())
		_, err := vu.Run(c.expr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.expr, err, c.want)
		}
	}
}

// A large parameter file must parse in linear time: one column without any delimiter is
// the case a naive reader makes quadratic.
func TestParseLargeSingleColumnFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("user\n")
	for range 200000 {
		b.WriteString("someone@example.com\n")
	}
	res := papaparsemod.Read(b.String(), papaparsemod.Config{Delimiter: ",", Quote: `"`, Escape: `"`, SkipEmpty: papaparsemod.SkipEmpty})
	if len(res.Rows) != 200001 {
		t.Fatalf("%d rows, want 200001", len(res.Rows))
	}
	out, _ := json.Marshal(res.Rows[200000])
	if string(out) != `["someone@example.com"]` {
		t.Fatalf("last row %s", out)
	}
}
