package testenv

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
	"runtime"
	"testing"
	"time"
)

// MakeCA returns a new CA's certificate, key and PEM.
func MakeCA(tb testing.TB, name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// StartTLSNeo4j starts a Neo4j of the test's own with Bolt TLS (optional: plain Bolt too) on
// 127.0.0.1:port, its certificate for 127.0.0.1 and localhost signed by a CA made here, and
// stops it when the test ends. It returns the CA's PEM file and host:port.
func StartTLSNeo4j(tb testing.TB, port string) (caFile, hostPort string) {
	tb.Helper()
	srv := RequireNeo4j(tb)
	dir := tb.TempDir()
	ca, caKey, caPEM := MakeCA(tb, "xk6-neo4j test CA")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano() + 1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	pk8, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	write("public.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	write("private.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk8}))
	write("ca.crt", caPEM)

	launcher := filepath.Join(repoRoot(), "testenv", "neo4j")
	env := append(os.Environ(), "NEO4J_PORT="+port, "NEO4J_TLS=1", "NEO4J_TLS_DIR="+dir, "NEO4J_PASSWORD="+srv.Password)
	stop := func() {
		c := exec.Command(filepath.Join(launcher, "stop"))
		c.Env = env
		_ = c.Run()
	}
	stop() // a server left over from an earlier run has another certificate
	start := exec.Command(filepath.Join(launcher, "start"))
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		tb.Fatalf("starting the TLS server: %v\n%s", err, out)
	}
	tb.Cleanup(stop)
	return filepath.Join(dir, "ca.crt"), "127.0.0.1:" + port
}

// repoRoot is the repository's top folder, found from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
