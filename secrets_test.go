package neo4j

import (
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// No message connect() makes shows a password: not for a password of the wrong type, not
// for a password passed as the whole options argument, not when the same value also sits
// in another option (whose own message would show it), not when it is passed as the URI.
func TestConnectErrorsNeverShowThePassword(t *testing.T) {
	vu := modulestest.NewVU(t)
	vu.Env["NEO4J_PASSWORD"] = "Zq9-env-password"
	_ = vu.RT.Set("__ENV", vu.Env)
	root := New()
	defer root.Close()
	vu.Import("neo4j", root)
	// Each password-like value and the text that would give it away.
	secrets := []struct{ js, shows string }{
		{`'Zq9-secret-pw'`, "Zq9"},
		{`987654321`, "987654321"},
		{`987654321987n`, "987654321987"},
		{`({value: 'Zq9-secret-pw'})`, "Zq9"},
		{`['Zq9-secret-pw']`, "Zq9"},
		{`Symbol('Zq9-secret-pw')`, "Zq9"},
		{`12345.678`, "12345.678"},
		{`true`, "true"}, // not secret-looking, but it must not be echoed either
	}
	options := []string{"user", "database", "maxConnectionPoolSize", "fetchSize", "connectionAcquisitionTimeout",
		"connectionTimeout", "maxTransactionRetryTime", "maxConnectionLifetime", "userAgent", "caFile", "pasword", "passwd"}
	// Port 1 refuses at once: the calls that get as far as connecting fail fast too.
	const uri = `'bolt://127.0.0.1:1'`
	check := func(js, shows string) {
		t.Helper()
		_, err := vu.Run(js)
		if err == nil {
			t.Errorf("%s: no error", js)
			return
		}
		msg := err.Error()
		if strings.Contains(msg, shows) {
			t.Errorf("%s: the message shows the password (%q): %s", js, shows, msg)
		}
		if shows == "true" {
			return
		}
		for _, s := range []string{"Zq9", "987654321"} {
			if strings.Contains(msg, s) {
				t.Errorf("%s: the message shows %q: %s", js, s, msg)
			}
		}
	}
	for _, s := range secrets {
		check(`neo4j.connect(`+uri+`, `+s.js+`)`, s.shows)
		check(`neo4j.connect(`+uri+`, {password: `+s.js+`})`, s.shows)
		check(`neo4j.connect(`+uri+`, {user: 'neo4j', password: `+s.js+`, connectionTimeout: 'soon'})`, s.shows)
		for _, o := range options {
			check(`neo4j.connect(`+uri+`, {password: `+s.js+`, `+o+`: `+s.js+`})`, s.shows)
		}
		check(`neo4j.connect(`+s.js+`, {password: `+s.js+`})`, s.shows)
	}
	// The environment's password, wherever it was put by mistake.
	check(`neo4j.connect(__ENV.NEO4J_PASSWORD)`, "Zq9")
	check(`neo4j.connect(`+uri+`, __ENV.NEO4J_PASSWORD)`, "Zq9")
	check(`neo4j.connect(`+uri+`, {userAgent: 1, maxConnectionLifetime: __ENV.NEO4J_PASSWORD})`, "Zq9")
	check(`neo4j.connect('bolt+s://127.0.0.1:1', {caFile: __ENV.NEO4J_PASSWORD})`, "Zq9")
	// And outside init, where a script may connect too.
	vu.MoveToVUContext()
	check(`neo4j.connect(__ENV.NEO4J_PASSWORD)`, "Zq9")
	check(`neo4j.connect(`+uri+`, {userAgent: 1, maxConnectionLifetime: __ENV.NEO4J_PASSWORD})`, "Zq9")
}

// The messages still say what was wrong, by type.
func TestWrongTypedPasswordIsNamedByItsType(t *testing.T) {
	vu := moduleVU(t)
	for js, want := range map[string]string{
		`neo4j.connect('bolt://127.0.0.1:1', 'Zq9-pw')`:                    "connect() options must be an object such as {user, password}, got a string",
		`neo4j.connect('bolt://127.0.0.1:1', ['Zq9-pw'])`:                  "got an array",
		`neo4j.connect('bolt://127.0.0.1:1', 987654321n)`:                  "got a BigInt",
		`neo4j.connect('bolt://127.0.0.1:1', new String('Zq9-pw'))`:        "got a String object",
		`neo4j.connect('bolt://127.0.0.1:1', {password: 987654321})`:       `"password" in connect(): want a string, got a number (the value is not shown)`,
		`neo4j.connect('bolt://127.0.0.1:1', {password: 987654321n})`:      "got a BigInt",
		`neo4j.connect('bolt://127.0.0.1:1', {password: Symbol('x')})`:     "got a symbol",
		`neo4j.connect('bolt://127.0.0.1:1', {password: {v: 1}})`:          "got an object",
		`neo4j.connect(12345678, {})`:                                      "the server URI as a string",
		`neo4j.connect('bolt://127.0.0.1:1', {passwd: 'Zq9-pw'})`:          `"passwd" in connect(): unknown option (did you mean "password"?)`,
		`neo4j.connect('bolt://127.0.0.1:1', {fetchSize: 'Zq9', user: 1})`: `"user" in connect(): want a string, got 1`,
	} {
		_, err := vu.Run(js)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		}
	}
}

// A secret passed by mistake as a call's whole parameters or options is named by type.
func TestCallArgumentsOfTheWrongTypeAreNamedByType(t *testing.T) {
	vu := modulestest.NewVU(t)
	root := NewWithFactory((&countingFactory{}).new)
	defer root.Close()
	vu.Import("neo4j", root)
	if _, err := vu.Run(`var db = neo4j.connect('bolt://127.0.0.1:7687', {password: 'pw-1234'})`); err != nil {
		t.Fatal(err)
	}
	vu.MoveToVUContext()
	for js, want := range map[string]string{
		`db.read('RETURN 1', 'Zq9-secret')`:                         "query parameters must be an object, got a string",
		`db.read('RETURN 1', {}, 'Zq9-secret')`:                     "read() options must be an object, got a string",
		`db.write('RETURN 1', {}, {metadata: 'Zq9-secret'})`:        "transaction metadata must be an object, got a string",
		`db.readTx(function (tx) {}, 987654321)`:                    "readTx() options must be an object, got a number",
		`db.read('RETURN 1', {}, {timeout: 'Zq9-secret-but-long'})`: `"timeout" in read()`,
	} {
		_, err := vu.Run(js)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		} else if strings.Contains(err.Error(), "Zq9") && !strings.Contains(js, "timeout") || strings.Contains(err.Error(), "987654321") {
			t.Errorf("%s: the value shows: %v", js, err)
		}
	}
}

// Tokens, tickets, credentials and custom parameters are secrets like the password: a
// message about another option that holds the same value, or about the secret's own type,
// never shows it.
func TestConnectErrorsNeverShowTokensTicketsOrCredentials(t *testing.T) {
	vu := moduleVU(t)
	values := []struct{ js, shows string }{
		{`'Zq9-secret-tok'`, "Zq9"},
		{`987654321`, "987654321"},
		{`987654321987n`, "987654321987"},
		{`12345.678`, "12345.678"},
	}
	auths := []string{
		`{scheme: 'bearer', token: %s}`,
		`{scheme: 'kerberos', ticket: %s}`,
		`{scheme: 'custom', principal: 'p', credentials: %s}`,
		`{scheme: 'custom', principal: 'p', parameters: {k: %s}}`,
		`{scheme: 'basic', user: 'u', password: %s}`,
	}
	options := []string{"user", "database", "maxConnectionPoolSize", "fetchSize", "connectionAcquisitionTimeout",
		"connectionTimeout", "maxTransactionRetryTime", "maxConnectionLifetime", "userAgent", "caFile", "bookmarks",
		"impersonatedUser", "tokn"}
	for _, v := range values {
		for _, a := range auths {
			auth := strings.ReplaceAll(a, "%s", v.js)
			for _, o := range options {
				js := `neo4j.connect('bolt://127.0.0.1:1', {auth: ` + auth + `, ` + o + `: ` + v.js + `})`
				_, err := vu.Run(js)
				if err == nil {
					t.Errorf("%s: no error", js)
				} else if strings.Contains(err.Error(), v.shows) {
					t.Errorf("%s: the message shows the secret: %s", js, err)
				}
			}
			// In the auth object's other fields too.
			for _, f := range []string{"scheme", "realm", "principal", "user"} {
				js := `neo4j.connect('bolt://127.0.0.1:1', {auth: Object.assign(` + auth + `, {` + f + `: ` + v.js + `}), userAgent: 1})`
				if _, err := vu.Run(js); err == nil {
					t.Errorf("%s: no error", js)
				} else if strings.Contains(err.Error(), v.shows) {
					t.Errorf("%s: the message shows the secret: %s", js, err)
				}
			}
		}
	}
}
