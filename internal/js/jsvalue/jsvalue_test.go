package jsvalue

import (
	"testing"

	"github.com/grafana/sobek"
)

func TestDescribe(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]string{
		`undefined`: "undefined", `null`: "null", `'a"b'`: `"a\"b"`, `12.5`: "12.5", `true`: "true",
		`({secret: 1})`: "an object", `[1, 2]`: "an array", `(function f() {})`: "a function",
		`new Date(0)`: "a Date",
	} {
		v, err := rt.RunString(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := Describe(v); got != want {
			t.Errorf("Describe(%s) = %q, want %q", src, got, want)
		}
	}
}
