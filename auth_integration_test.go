package neo4j_test

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// noAuthPort is the Neo4j with auth disabled that TestAuthNoneLogsInWhereAuthIsOff starts.
const noAuthPort = "7694"

// scriptVU is a VU in VU context with the test server's URI and password as URI and PW.
func scriptVU(t *testing.T) (*modulestest.VU, testenv.Neo4j) {
	t.Helper()
	srv := testenv.RequireNeo4j(t)
	vu := modulestest.NewVU(t)
	root := neo4j.New()
	vu.Import("neo4j", root)
	_ = vu.RT.Set("URI", srv.URI)
	_ = vu.RT.Set("PW", srv.Password)
	vu.MoveToVUContext()
	t.Cleanup(func() { _ = root.Close() })
	return vu, srv
}

// scheme 'none' logs in to a server with auth disabled, as none@host:port; against a server
// that wants a login it is a clear authentication error.
func TestAuthNoneLogsInWhereAuthIsOff(t *testing.T) {
	hp := testenv.StartNeo4jNoAuth(t, noAuthPort)
	vu, srv := scriptVU(t)
	v, err := vu.Run(`var anon = neo4j.connect('bolt://` + hp + `', {auth: {scheme: 'none'}});
		anon.identity + ' ' + anon.read('RETURN 41 + 1 AS x').records[0].x`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "none@" + hp + " 42"; v.String() != want {
		t.Fatalf("got %q, want %q", v, want)
	}
	q := samplesOf(vu.Samples(), "neo4j_queries")
	if len(q) != 1 {
		t.Fatalf("%d neo4j_queries samples, want 1", len(q))
	}
	if id, _ := q[0].Tags.Get("identity"); id != "none@"+hp {
		t.Fatalf("identity tag %q, want none@%s", id, hp)
	}
	f := jsFailure(t, vu, `neo4j.connect(URI, {auth: {scheme: 'none'}})`)
	if f.Code != "Neo.ClientError.Security.Unauthorized" || !strings.Contains(f.Message, "none@"+srv.HostPort) ||
		!strings.Contains(f.Message, "dbms.security.auth_enabled=false") {
		t.Fatalf("none against a server with auth: %+v", f)
	}
}

// recordingProxy forwards TCP to the real Neo4j and keeps what clients sent: the Bolt
// messages, whose strings (the login token's scheme and credentials) are plain UTF-8.
type recordingProxy struct {
	ln   net.Listener
	mu   sync.Mutex
	sent bytes.Buffer
}

func startRecordingProxy(t *testing.T, target string) *recordingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{ln: ln}
	var conns []net.Conn
	var connsMu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			connsMu.Lock()
			conns = append(conns, c, up)
			connsMu.Unlock()
			// Recorded before it is forwarded: the server cannot answer what the test has not seen.
			go func() { _, _ = io.Copy(io.MultiWriter(p, up), c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		connsMu.Lock()
		defer connsMu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return p
}

func (p *recordingProxy) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent.Write(b)
}

func (p *recordingProxy) Sent() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent.String()
}

// A bearer token, a kerberos ticket and custom credentials reach the server (what the client
// sent holds the scheme and the secret; Community refuses them with the server's own code),
// and the refusal names the scheme and server, never the secret.
func TestBearerAndKerberosAreSentAndRefusedWithoutShowingThem(t *testing.T) {
	vu, srv := scriptVU(t)
	const token, ticket = "eyJhbGciOi.fake-Token-Zt81", "YIIfake-Ticket-Zt82"
	for _, c := range []struct{ auth, scheme, secret, identity, says string }{
		{`{scheme: 'bearer', token: '` + token + `'}`, "bearer", token, "bearer@", "refused the bearer token"},
		{`{scheme: 'kerberos', ticket: '` + ticket + `'}`, "kerberos", ticket, "kerberos@", "refused the kerberos ticket"},
		{`{scheme: 'custom', principal: 'neo4j', credentials: '` + token + `', parameters: {t: '` + ticket + `'}, customScheme: 'my-sso'}`,
			"my-sso", ticket, "custom:neo4j@", "refused the custom login"},
	} {
		p := startRecordingProxy(t, srv.HostPort)
		hp := p.ln.Addr().String()
		f := jsFailure(t, vu, `neo4j.connect('bolt://`+hp+`', {auth: `+c.auth+`})`)
		if f.Code != "Neo.ClientError.Security.Unauthorized" {
			t.Errorf("%s: code %q, want the server's Neo.ClientError.Security.Unauthorized", c.auth, f.Code)
		}
		if !strings.Contains(f.Message, c.identity+hp) || !strings.Contains(f.Message, c.says) {
			t.Errorf("%s: message %q should name %s%s and say %q", c.auth, f.Message, c.identity, hp, c.says)
		}
		if strings.Contains(f.Message, "Zt8") {
			t.Errorf("%s: the message shows the secret: %q", c.auth, f.Message)
		}
		if sent := p.Sent(); !strings.Contains(sent, c.scheme) || !strings.Contains(sent, c.secret) {
			t.Errorf("%s: the login sent to the server does not hold the scheme %q and the secret", c.auth, c.scheme)
		}
	}
}

// auth: {scheme: 'basic', ...} is the same login as user and password.
func TestBasicAuthObjectLogsIn(t *testing.T) {
	vu, srv := scriptVU(t)
	v, err := vu.Run(`var b = neo4j.connect(URI, {auth: {scheme: 'basic', user: 'loadtest2', password: PW}});
		b.identity + ' ' + b.read('RETURN 1 AS x').records[0].x`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "loadtest2@" + srv.HostPort + " 1"; v.String() != want {
		t.Fatalf("got %q, want %q", v, want)
	}
}

// Community refuses impersonation: per call and per connect() it is a failed call with the
// server's code, counted in neo4j_query_failed with that error_code, and the VU goes on.
func TestImpersonationRefusalIsACountedError(t *testing.T) {
	vu, _ := scriptVU(t)
	if _, err := vu.Run(`var db = neo4j.connect(URI, {password: PW});
		var imp = neo4j.connect(URI, {password: PW, impersonatedUser: 'loadtest2'});`); err != nil {
		t.Fatal(err)
	}
	const code = "Neo.ClientError.Statement.ArgumentError"
	for _, call := range []string{
		`db.read('RETURN 1', {}, {impersonatedUser: 'loadtest2'})`,
		`db.run('RETURN 1', {}, {impersonatedUser: 'loadtest2'})`,
		`db.writeTx(function (tx) { tx.run('RETURN 1') }, {impersonatedUser: 'loadtest2'})`,
		`imp.write('RETURN 1')`,
	} {
		f := jsFailure(t, vu, call)
		if f.Code != code || !strings.Contains(strings.ToLower(f.Message), "impersonation") {
			t.Errorf("%s: %+v, want %s saying impersonation is refused", call, f, code)
		}
	}
	// The client without impersonation is unaffected, and so is db after the refusals.
	if _, err := vu.Run(`db.read('RETURN 1'); db.run('RETURN 1')`); err != nil {
		t.Fatal(err)
	}
	var refused, ok int
	for _, s := range samplesOf(vu.Samples(), "neo4j_query_failed") {
		c, _ := s.Tags.Get("error_code")
		switch {
		case s.Value == 1 && c == code:
			refused++
		case s.Value == 0:
			ok++
		}
	}
	// writeTx's body never ran (the transaction could not begin), so 3 queries failed.
	if refused != 3 || ok != 2 {
		t.Fatalf("neo4j_query_failed: %d refusals with %s and %d successes, want 3 and 2", refused, code, ok)
	}
	if tx := samplesOf(vu.Samples(), "neo4j_tx_duration"); len(tx) != 1 {
		t.Fatalf("%d neo4j_tx_duration samples, want 1", len(tx))
	} else if c, _ := tx[0].Tags.Get("error_code"); c != code {
		t.Fatalf("writeTx's error_code %q, want %s", c, code)
	}
	f := jsFailure(t, vu, `db.readTx(function (tx) { tx.run('RETURN 1', {}, {impersonatedUser: 'bob'}) })`)
	if !strings.Contains(f.Message, `"impersonatedUser" in tx.run(): it applies to the whole transaction`) {
		t.Fatalf("tx.run with impersonatedUser: %+v", f)
	}
}

// run()'s accessMode is the session's: the server refuses a write in a read session (on a
// neo4j:// cluster the same mode sends the query to a reader).
func TestRunAccessModeIsTheSessions(t *testing.T) {
	vu, _ := scriptVU(t)
	if _, err := vu.Run(`var db = neo4j.connect(URI, {password: PW})`); err != nil {
		t.Fatal(err)
	}
	f := jsFailure(t, vu, `db.run('CREATE (n:AccessModeProbe) DELETE n', {}, {accessMode: 'read'})`)
	if f.Code != "Neo.ClientError.Statement.AccessMode" {
		t.Fatalf("a write in run() with accessMode 'read': %+v, want Neo.ClientError.Statement.AccessMode", f)
	}
	v, err := vu.Run(`[db.run('CREATE (n:AccessModeProbe) DELETE n', {}, {accessMode: 'write'}).count,
		db.run('CREATE (n:AccessModeProbe) DELETE n').count,
		db.run('RETURN 7 AS x', {}, {accessMode: 'read'}).records[0].x].join()`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "0,0,7" {
		t.Fatalf("got %s", v)
	}
}
