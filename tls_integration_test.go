package neo4j_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// makeCA returns a CA certificate and key.
func makeCA(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// startTLSServer starts a Neo4j of its own with Bolt TLS (optional) on port 7696, its
// certificate for 127.0.0.1 and localhost signed by a CA the test makes. It returns the CA
// file and the address.
func startTLSServer(t *testing.T) (caFile, hostPort string) {
	t.Helper()
	srv := testenv.RequireNeo4j(t)
	dir := t.TempDir()
	ca, caKey, caPEM := makeCA(t, "xk6-neo4j test CA")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano() + 1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pk8, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("public.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	write("private.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8}))
	write("ca.crt", caPEM)

	const port = "7696"
	root, _ := filepath.Abs("testenv/neo4j")
	env := append(os.Environ(), "NEO4J_PORT="+port, "NEO4J_TLS=1", "NEO4J_TLS_DIR="+dir, "NEO4J_PASSWORD="+srv.Password)
	stop := func() {
		c := exec.Command(filepath.Join(root, "stop"))
		c.Env = env
		_ = c.Run()
	}
	stop() // a server left over from an earlier run has another certificate
	start := exec.Command(filepath.Join(root, "start"))
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("starting the TLS server: %v\n%s", err, out)
	}
	t.Cleanup(stop)
	return filepath.Join(dir, "ca.crt"), "127.0.0.1:" + port
}

func TestTLS(t *testing.T) {
	caFile, hp := startTLSServer(t)
	srv := testenv.RequireNeo4j(t)
	_, _, otherCA := makeCA(t, "some other CA")
	otherCAFile := filepath.Join(t.TempDir(), "other.crt")
	_ = os.WriteFile(otherCAFile, otherCA, 0o600)

	cases := []struct {
		name, uri, extra string
		wantErr          string // "" means the query works
	}{
		{"verified with the CA file", "bolt+s://" + hp, `caFile: '` + caFile + `'`, ""},
		{"verified, by host name", "neo4j+s://localhost:7696", `caFile: '` + caFile + `'`, ""},
		{"self-signed accepted with +ssc", "bolt+ssc://" + hp, "", ""},
		{"plain bolt still served (TLS optional)", "bolt://" + hp, "", ""},
		{"not trusted without the CA", "bolt+s://" + hp, "", "tls"},
		{"a wrong CA is refused", "bolt+s://" + hp, `caFile: '` + otherCAFile + `'`, "tls"},
		{"caFile needs a verifying scheme", "bolt+ssc://" + hp, `caFile: '` + caFile + `'`, `"caFile"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vu := modulestest.NewVU(t)
			root := neo4j.New()
			defer root.Close()
			vu.Import("neo4j", root)
			opts := `{password: '` + srv.Password + `'`
			if c.extra != "" {
				opts += ", " + c.extra
			}
			opts += "}"
			_, err := vu.Run(`var db = neo4j.connect('` + c.uri + `', ` + opts + `)`)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("connect: %v", err)
				}
				vu.MoveToVUContext()
				v, err := vu.Run(`db.read('RETURN 7 AS n').records[0].n`)
				if err != nil || v.ToInteger() != 7 {
					t.Fatalf("query over TLS: %v %v", v, err)
				}
				return
			}
			if err == nil {
				t.Fatal("connect succeeded, want an error")
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %q lacks %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), srv.Password) {
				t.Fatal("password in the error")
			}
		})
	}
}
