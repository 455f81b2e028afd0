package webglobals_test

import (
	"testing"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webglobals"
)

// Install hooks crypto.subtle and CryptoKey onto every runtime, next to getRandomValues.
func TestInstallAddsSubtleCrypto(t *testing.T) {
	rt := sobek.New()
	if err := webglobals.Install(rt); err != nil {
		t.Fatal(err)
	}
	v, err := rt.RunString(`globalThis.out = String(crypto.subtle) + ' ' + typeof CryptoKey;
crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])
  .then((k) => { out += ' ' + (k instanceof CryptoKey) + ' ' + Object.prototype.toString.call(k) + ' ' + k.algorithm.length; });
0`)
	if err != nil || v.ToInteger() != 0 {
		t.Fatal(v, err)
	}
	if got := rt.Get("out").String(); got != "[object SubtleCrypto] function true [object CryptoKey] 512" {
		t.Fatalf("got %q", got)
	}
}
