package webglobals_test

import (
	"testing"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webglobals"
)

// The classes name themselves to Object.prototype.toString, as in browsers and k6.
func TestClassTags(t *testing.T) {
	rt := sobek.New()
	if err := webglobals.Install(rt); err != nil {
		t.Fatal(err)
	}
	if v, err := rt.RunString(`Object.prototype.toString.call(new TextEncoder()) + Object.prototype.toString.call(new TextDecoder()) + String(crypto)`); err != nil || v.String() != "[object TextEncoder][object TextDecoder][object Crypto]" {
		t.Errorf("class tags: %v %v", v, err)
	}
}
