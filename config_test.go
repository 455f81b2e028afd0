package neo4j

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

func TestParseTarget(t *testing.T) {
	cases := []struct {
		name, uri, user          string
		identity, key, errSubstr string
	}{
		{"bolt with port", "bolt://127.0.0.1:7687", "neo4j", "neo4j@127.0.0.1:7687", "neo4j@bolt://127.0.0.1:7687", ""},
		{"default port", "neo4j+s://db.example:", "ada", "ada@db.example:7687", "ada@neo4j+s://db.example:7687", ""},
		{"default user", "bolt+ssc://localhost:7000", "", "neo4j@localhost:7000", "neo4j@bolt+ssc://localhost:7000", ""},
		{"user from the URI", "bolt://bob@127.0.0.1:7687", "", "bob@127.0.0.1:7687", "bob@bolt://127.0.0.1:7687", ""},
		{"IPv6", "bolt://[::1]:7687", "neo4j", "neo4j@[::1]:7687", "neo4j@bolt://[::1]:7687", ""},
		{"http is not Bolt", "http://127.0.0.1:7474", "neo4j", "", "", `scheme "http"`},
		{"no host", "bolt://", "neo4j", "", "", "expected SCHEME://HOST"},
		{"not a URI", "127.0.0.1:7687", "neo4j", "", "", "invalid Neo4j URI"},
		{"password in the URI", "bolt://neo4j:s3cret-pw@127.0.0.1", "", "", "", "password option"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg, err := ParseTarget(c.uri, c.user)
			if c.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), c.errSubstr) {
					t.Fatalf("got %v, want an error with %q", err, c.errSubstr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("the password leaked: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tg.Identity() != c.identity || tg.Key() != c.key {
				t.Fatalf("identity %q key %q, want %q %q", tg.Identity(), tg.Key(), c.identity, c.key)
			}
		})
	}
}

func TestCAFileNeedsAVerifyingScheme(t *testing.T) {
	for _, scheme := range []string{"bolt", "neo4j", "bolt+ssc", "neo4j+ssc"} {
		tg, err := ParseTarget(scheme+"://127.0.0.1:7687", "neo4j")
		if err != nil {
			t.Fatal(err)
		}
		if err := checkTLS(tg, Settings{CAFile: "ca.pem"}); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s with caFile: %v, want ErrInvalidOption", scheme, err)
		}
	}
	tg, _ := ParseTarget("bolt+s://127.0.0.1:7687", "neo4j")
	if err := checkTLS(tg, Settings{CAFile: "ca.pem"}); err != nil {
		t.Fatalf("bolt+s with caFile: %v", err)
	}
}

// No URI, however mangled, makes an error that repeats a password written into it.
func FuzzParseTargetNeverLeaksAPassword(f *testing.F) {
	for _, s := range []string{"bolt://u:p@h:1", "neo4j://a:b@", "x://u:p@h", "bolt://u:p@h:1/path?q=1", ":::", "bolt://u:p@[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		const pw = "Zq9-secret"
		at := strings.Index(uri, "@")
		if at < 0 {
			uri = "bolt://user:" + pw + "@" + uri
		} else {
			uri = uri[:at] + ":" + pw + uri[at:]
		}
		tg, err := ParseTarget(uri, "")
		if err != nil {
			if strings.Contains(err.Error(), pw) {
				t.Fatalf("ParseTarget(%q) error repeats the password: %v", uri, err)
			}
			return
		}
		for _, s := range []string{tg.Identity(), tg.Key(), tg.URI()} {
			if strings.Contains(s, pw) {
				t.Fatalf("ParseTarget(%q) kept the password in %q", uri, s)
			}
		}
	})
}

// serverMetrics: a period of at least 100ms, or 0 / false for off; anything else is an error
// naming the option and what it takes.
func TestServerMetricsOption(t *testing.T) {
	rt := sobek.New()
	ok := map[string]time.Duration{`'1s'`: time.Second, `'100ms'`: 100 * time.Millisecond, `250`: 250 * time.Millisecond,
		`0`: 0, `false`: 0, `'0s'`: 0}
	for js, want := range ok {
		v, err := rt.RunString(`({serverMetrics: ` + js + `})`)
		if err != nil {
			t.Fatal(err)
		}
		o, err := parseConnectOptions(rt, v)
		if err != nil || o.Settings.ServerMetrics != want {
			t.Errorf("serverMetrics: %s: got %v, %v; want %v", js, o.Settings.ServerMetrics, err, want)
		}
	}
	for js, want := range map[string]string{`'50ms'`: "at least 100ms", `99`: "at least 100ms", `true`: "24h",
		`'fast'`: "24h", `-1`: "24h", `'25h'`: "24h"} {
		v, err := rt.RunString(`({serverMetrics: ` + js + `})`)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseConnectOptions(rt, v)
		if !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), `"serverMetrics" in connect()`) || !strings.Contains(err.Error(), want) {
			t.Errorf("serverMetrics: %s: got %v, want an invalid option naming it and %q", js, err, want)
		}
	}
	// A typo is pointed at the option.
	v, _ := rt.RunString(`({serverMetric: '1s'})`)
	if _, err := parseConnectOptions(rt, v); err == nil || !strings.Contains(err.Error(), `did you mean "serverMetrics"`) {
		t.Errorf("serverMetric: got %v, want a did-you-mean", err)
	}
}
