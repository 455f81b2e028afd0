package neo4j

import (
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// Fake secrets: none of them may show up in any message, identity or key.
const (
	fakeToken  = "eyJfake-Token-7Qx91"
	fakeTicket = "YIIfake-Ticket-7Qx92"
	fakeCred   = "fake-Credentials-7Qx93"
	fakeParam  = "fake-Param-7Qx94"
)

var fakeSecrets = []string{fakeToken, fakeTicket, fakeCred, fakeParam, "7Qx9"}

// recordingFactory remembers the target and secret of every driver it makes.
type recordingFactory struct {
	countingFactory
	targets []Target
	secrets []string
}

func (f *recordingFactory) new(t Target, secret string, s Settings) (neo4j.DriverWithContext, error) {
	f.targets = append(f.targets, t)
	f.secrets = append(f.secrets, secret)
	return f.countingFactory.new(t, secret, s)
}

// Each scheme and principal is an identity of its own, named by scheme and principal and
// never by its secret: the same token twice shares a driver, another token, another scheme
// or a basic user who happens to be called "bearer" does not.
func TestAuthSchemesAreIdentitiesOfTheirOwn(t *testing.T) {
	vu := modulestest.NewVU(t)
	f := &recordingFactory{}
	root := NewWithFactory(f.new)
	defer root.Close()
	vu.Import("neo4j", root)
	const uri = `'bolt://127.0.0.1:7687'`
	for _, c := range []struct{ opts, identity string }{
		{`{auth: {scheme: 'bearer', token: '` + fakeToken + `'}}`, "bearer@127.0.0.1:7687"},
		{`{auth: {scheme: 'bearer', token: '` + fakeToken + `'}}`, "bearer@127.0.0.1:7687"}, // same driver
		{`{auth: {scheme: 'bearer', token: 'another-token'}}`, "bearer@127.0.0.1:7687"},
		{`{user: 'bearer', password: '` + fakeToken + `'}`, "bearer@127.0.0.1:7687"}, // basic: its own key
		{`{auth: {scheme: 'kerberos', ticket: '` + fakeTicket + `'}}`, "kerberos@127.0.0.1:7687"},
		{`{auth: {scheme: 'none'}}`, "none@127.0.0.1:7687"},
		{`{auth: {scheme: 'custom', principal: 'bob', credentials: '` + fakeCred + `', realm: 'r1', parameters: {k: '` + fakeParam + `'}}}`, "custom:bob@127.0.0.1:7687"},
		{`{auth: {scheme: 'custom', principal: 'bob', credentials: '` + fakeCred + `', realm: 'r1', parameters: {k: 'other'}}}`, "custom:bob@127.0.0.1:7687"},
		{`{auth: {scheme: 'basic', user: 'loadtest2', password: 'pw-12345', realm: 'native'}}`, "loadtest2@127.0.0.1:7687"},
		{`{auth: {scheme: 'basic', user: 'loadtest2', password: 'pw-12345'}}`, "loadtest2@127.0.0.1:7687"}, // another realm
	} {
		v, err := vu.Run(`neo4j.connect(` + uri + `, ` + c.opts + `).identity`)
		if err != nil {
			t.Fatalf("%s: %v", c.opts, err)
		}
		if v.String() != c.identity {
			t.Errorf("%s: identity %q, want %q", c.opts, v, c.identity)
		}
	}
	if got := f.made.Load(); got != 9 {
		t.Errorf("made %d drivers, want 9 (one per scheme, principal and secret)", got)
	}
	// What the factory got: the scheme and principal in the target, the secret beside it.
	want := []struct{ auth, user, secret string }{
		{AuthBearer, "", fakeToken}, {AuthBearer, "", "another-token"}, {"", "bearer", fakeToken},
		{AuthKerberos, "", fakeTicket}, {AuthNone, "", ""}, {AuthCustom, "bob", fakeCred}, {AuthCustom, "bob", fakeCred},
		{AuthBasic, "loadtest2", "pw-12345"}, {AuthBasic, "loadtest2", "pw-12345"},
	}
	for i, w := range want {
		tg := f.targets[i]
		if tg.Auth != w.auth || tg.User != w.user || f.secrets[i] != w.secret {
			t.Errorf("driver %d: auth %q user %q, want %q %q (or the wrong secret)", i, tg.Auth, tg.User, w.auth, w.user)
		}
		for _, s := range fakeSecrets {
			if strings.Contains(tg.Identity()+tg.Key()+poolKey(tg, f.secrets[i]), s) {
				t.Errorf("driver %d: the identity or key shows a secret: %s %s", i, tg.Identity(), tg.Key())
			}
		}
	}
	if f.targets[5].Realm != "r1" || f.targets[5].Custom == nil || f.targets[5].Custom.Parameters["k"] != fakeParam {
		t.Errorf("custom login lost its realm or parameters: %+v", f.targets[5])
	}
}

// The driver gets the token of the scheme asked for.
func TestAuthTokenPerScheme(t *testing.T) {
	base := Target{Scheme: "bolt", Host: "127.0.0.1", Port: "7687"}
	with := func(auth, user, realm string, c *CustomAuth) Target {
		tg := base
		tg.Auth, tg.User, tg.Realm, tg.Custom = auth, user, realm, c
		return tg
	}
	for _, c := range []struct {
		t    Target
		want map[string]any
	}{
		{with("", "bob", "", nil), map[string]any{"scheme": "basic", "principal": "bob", "credentials": "s3"}},
		{with(AuthBasic, "bob", "r", nil), map[string]any{"scheme": "basic", "principal": "bob", "credentials": "s3", "realm": "r"}},
		{with(AuthBearer, "", "", nil), map[string]any{"scheme": "bearer", "credentials": "s3"}},
		{with(AuthKerberos, "", "", nil), map[string]any{"scheme": "kerberos", "credentials": "s3"}},
		{with(AuthNone, "", "", nil), map[string]any{"scheme": "none"}},
		{with(AuthCustom, "bob", "r", &CustomAuth{Scheme: "my-plugin", Parameters: map[string]any{"a": 1}}),
			map[string]any{"scheme": "my-plugin", "principal": "bob", "credentials": "s3", "realm": "r"}},
		{with(AuthCustom, "bob", "", nil), map[string]any{"scheme": "custom", "principal": "bob", "credentials": "s3"}},
	} {
		tok := authToken(c.t, "s3").Tokens
		for k, v := range c.want {
			if tok[k] != v {
				t.Errorf("%s/%s: token %s = %v, want %v", c.t.Auth, c.t.User, k, tok[k], v)
			}
		}
		if c.t.Auth == AuthNone && tok["credentials"] != nil {
			t.Errorf("none sends credentials: %v", tok)
		}
	}
}

// Every wrong auth option is an error naming the field as auth.FIELD; a secret field is
// named by its type, and no message shows a token, ticket, credential or parameter.
func TestAuthOptionsAreCheckedWithoutShowingSecrets(t *testing.T) {
	vu := moduleVU(t)
	const c = `neo4j.connect('bolt://127.0.0.1:1', `
	for js, want := range map[string]string{
		c + `{auth: {}})`: `"auth.scheme" in connect(): missing: name one of basic, bearer, kerberos, none, custom`,
		c + `{auth: {scheme: 'beare', token: 'x'}})`:                                                                                `"auth.scheme" in connect(): want one of basic, bearer, kerberos, none, custom, got "beare" (did you mean "bearer"?)`,
		c + `{auth: {scheme: '` + fakeToken + `'}})`:                                                                                `got a string that is none of them (the value is not shown)`,
		c + `{auth: {scheme: 7}})`:                                                                                                  `"auth.scheme" in connect(): want one of basic, bearer, kerberos, none, custom, got a number`,
		c + `{auth: '` + fakeToken + `'})`:                                                                                          `"auth" in connect(): want an object such as {scheme: 'bearer', token}, got a string (the value is not shown)`,
		c + `{auth: {scheme: 'bearer'}})`:                                                                                           `"auth.token" in connect(): missing: the bearer scheme needs the token`,
		c + `{auth: {scheme: 'bearer', token: ''}})`:                                                                                `"auth.token" in connect(): want a non-empty string`,
		c + `{auth: {scheme: 'bearer', token: 987654321}})`:                                                                         `"auth.token" in connect(): want a string, got a number (the value is not shown)`,
		c + `{auth: {scheme: 'bearer', token: {t: '` + fakeToken + `'}}})`:                                                          `"auth.token" in connect(): want a string, got an object`,
		c + `{auth: {scheme: 'kerberos'}})`:                                                                                         `"auth.ticket" in connect(): missing: the kerberos scheme needs the ticket`,
		c + `{auth: {scheme: 'kerberos', ticket: ['` + fakeTicket + `']}})`:                                                         `"auth.ticket" in connect(): want a string, got an array (the value is not shown)`,
		c + `{auth: {scheme: 'bearer', token: '` + fakeToken + `', ticket: '` + fakeTicket + `'}})`:                                 `"auth.ticket" in connect(): not a field of the bearer scheme (it takes scheme, token)`,
		c + `{auth: {scheme: 'none', password: '` + fakeCred + `'}})`:                                                               `"auth.password" in connect(): not a field of the none scheme`,
		c + `{auth: {scheme: 'custom', credentials: 12345678, parameters: '` + fakeParam + `'}})`:                                   `"auth.credentials" in connect(): want a string, got a number (the value is not shown)`,
		c + `{auth: {scheme: 'custom', parameters: '` + fakeParam + `'}})`:                                                          `"auth.parameters" in connect(): want an object of plain values, got a string`,
		c + `{auth: {scheme: 'custom', parameters: {f: function () {}, k: '` + fakeParam + `'}}})`:                                  `"auth.parameters" in connect()`,
		c + `{auth: {scheme: 'custom', principal: 7}})`:                                                                             `"auth.principal" in connect(): want a string, got 7`,
		c + `{auth: {scheme: 'basic', user: 'bob', password: 1234567890}})`:                                                         `"auth.password" in connect(): want a string, got a number (the value is not shown)`,
		c + `{user: 'bob', auth: {scheme: 'bearer', token: '` + fakeToken + `'}})`:                                                  `"user" in connect(): give it inside auth ({scheme: 'basic', user, password}) or leave auth out, not both`,
		c + `{password: '` + fakeCred + `', auth: {scheme: 'bearer', token: '` + fakeToken + `'}})`:                                 `"password" in connect(): give it inside auth`,
		c + `{auth: {scheme: 'bearer', token: '` + fakeToken + `'}, connectionTimeout: '` + fakeToken + `'})`:                       `"connectionTimeout" in connect()`,
		c + `{auth: {scheme: 'custom', credentials: '` + fakeCred + `'}, userAgent: 1, caFile: 2, fetchSize: '` + fakeCred + `'})`:  `"fetchSize" in connect()`,
		c + `{auth: {scheme: 'custom', parameters: {k: '` + fakeParam + `'}}, maxConnectionLifetime: '` + fakeParam + `'})`:         `"maxConnectionLifetime" in connect()`,
		c + `{auth: {scheme: 'kerberos', ticket: '` + fakeTicket + `'}, database: 1, maxConnectionPoolSize: '` + fakeTicket + `'})`: `"maxConnectionPoolSize" in connect()`,
		c + `{auth: {scheme: 'bearer', token: 987654321}, fetchSize: 987654321.5})`:                                                 `"fetchSize" in connect()`,
		c + `{bookmarks: 'all'})`:       `"bookmarks" in connect(): want 'vu', 'shared' or 'none', got "all"`,
		c + `{impersonatedUser: 1})`:    `"impersonatedUser" in connect(): want a string, got 1`,
		c + `{impersonatedUsr: 'bob'})`: `"impersonatedUsr" in connect(): unknown option (did you mean "impersonatedUser"?)`,
		`neo4j.connect('bolt://` + fakeToken + `@127.0.0.1:1', {auth: {scheme: 'bearer', token: '` + fakeToken + `'}})`: "",
	} {
		_, err := vu.Run(js)
		if err == nil {
			t.Errorf("%s: no error", js)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, want) {
			t.Errorf("%s:\n got %s\nwant %s", js, msg, want)
		}
		for _, s := range append(fakeSecrets, "987654321", "1234567890", "12345678") {
			if strings.Contains(msg, s) {
				t.Errorf("%s: the message shows %q: %s", js, s, msg)
			}
		}
	}
}

// The call options that pick a session: accessMode only where the access mode is the
// script's choice (run()), impersonatedUser on every call (tx.run() refuses it: see the integration test).
func TestSessionCallOptionsAreChecked(t *testing.T) {
	vu := modulestest.NewVU(t)
	root := NewWithFactory((&countingFactory{}).new)
	defer root.Close()
	vu.Import("neo4j", root)
	if _, err := vu.Run(`var db = neo4j.connect('bolt://127.0.0.1:7687', {password: 'pw-1234'})`); err != nil {
		t.Fatal(err)
	}
	vu.MoveToVUContext()
	for js, want := range map[string]string{
		`db.run('RETURN 1', {}, {accessMode: 'READ'})`:     `"accessMode" in run(): want 'read' or 'write', got "READ"`,
		`db.run('RETURN 1', {}, {accessMode: 1})`:          `"accessMode" in run(): want 'read' or 'write', got 1`,
		`db.read('RETURN 1', {}, {accessMode: 'write'})`:   `"accessMode" in read(): only run() takes it: read() has its own access mode`,
		`db.writeTx(function () {}, {accessMode: 'read'})`: `"accessMode" in writeTx(): only run() takes it`,
		`db.run('RETURN 1', {}, {impersonatedUser: {}})`:   `"impersonatedUser" in run(): want a string, got an object`,
		`db.run('RETURN 1', {}, {accesMode: 'read'})`:      `"accesMode" in run(): unknown option (did you mean "accessMode"?)`,
	} {
		_, err := vu.Run(js)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		}
	}
}
