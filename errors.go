package neo4j

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Short error classes for failures that carry no Neo4j status code; they appear in the
// error_code tag and in JS exceptions' `code`.
const (
	// The server cannot be reached, refused the connection or dropped it.
	CodeConnectivity = "connectivity"
	// The server did not answer in time (dial, Bolt handshake or reply), or the call's own
	// timeout passed.
	CodeTimeout = "timeout"
	// Every connection of the identity's pool was held by a call for the whole
	// connectionAcquisitionTimeout.
	CodePoolExhausted = "pool_exhausted"
	CodeUsage         = "usage"
	CodeCanceled      = "canceled"
	CodeTLS           = "tls"
	CodeUnknown       = "unknown"
)

// QueryError is what a failed call turns into: the Neo4j status code (or a short class), and
// a message that names the identity. It never contains a password, and its text is stable:
// no timestamps, ephemeral ports or connection ids, so that equal failures read the same.
type QueryError struct {
	Code     string
	Identity string
	Msg      string
	Err      error
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("%s (%s) [%s]", e.Msg, e.Identity, e.Code)
}

func (e *QueryError) Unwrap() error { return e.Err }

// errorCode classifies err for the error_code tag.
func errorCode(err error) string {
	var qe *QueryError
	var ct *callTimeoutError
	var acq *acquireError
	var n4 *neo4j.Neo4jError
	var conn *neo4j.ConnectivityError
	var usage *neo4j.UsageError
	switch {
	case errors.As(err, &qe):
		return qe.Code
	case errors.As(err, &ct):
		return CodeTimeout
	case errors.As(err, &acq):
		if acq.exhausted {
			return CodePoolExhausted
		}
		return CodeTimeout
	case errors.As(err, &n4):
		return n4.Code
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.As(err, &conn):
		if isTLS(err) {
			return CodeTLS
		}
		if isTimeout(err) {
			return CodeTimeout
		}
		return CodeConnectivity
	case errors.As(err, &usage):
		return CodeUsage
	}
	if isTimeout(err) {
		return CodeTimeout
	}
	return CodeUnknown
}

// isTimeout spots the driver's timeouts, which it reports as connectivity errors: a
// connection that could not be had in time (outside a call, where it cannot be a full pool),
// and reads or writes that took too long.
func isTimeout(err error) bool {
	s := err.Error()
	return isAcquisitionTimeout(err) || strings.Contains(s, "Timeout while reading from connection") ||
		strings.Contains(s, "Timeout while writing to connection") || strings.Contains(s, "i/o timeout")
}

// isTLS spots a failed TLS handshake or certificate check in a connectivity error.
func isTLS(err error) bool {
	s := err.Error()
	return strings.Contains(s, "x509:") || strings.Contains(s, "tls:")
}

// describe turns a driver error into a QueryError naming the target's identity.
func describe(err error, t Target) error {
	var qe *QueryError
	if errors.As(err, &qe) {
		return err
	}
	code := errorCode(err)
	var msg string
	var ct *callTimeoutError
	var acq *acquireError
	var n4 *neo4j.Neo4jError
	switch {
	case errors.As(err, &ct):
		msg = fmt.Sprintf("the call's timeout (%s) expired", ct.timeout)
	case errors.As(err, &acq) && acq.exhausted:
		msg = fmt.Sprintf("connection pool exhausted: all %d connections to %s were in use for connectionAcquisitionTimeout (%s); raise maxConnectionPoolSize or lower the load",
			acq.size, t.URI(), acq.wait)
	case errors.As(err, &acq) && strings.Contains(acq.err.Error(), "dial "):
		msg = fmt.Sprintf("could not connect to %s within connectionTimeout (%s)", t.URI(), acq.dial)
	case errors.As(err, &acq):
		msg = fmt.Sprintf("no connection to %s within connectionAcquisitionTimeout (%s): the server did not accept the connection or answer the Bolt handshake in time",
			t.URI(), acq.wait)
	case errors.As(err, &n4):
		msg = stableMessage(n4.Msg)
		if code == "Neo.ClientError.Security.Unauthorized" {
			msg = unauthorizedMessage(t)
		}
		if code == "Neo.ClientError.Security.AuthenticationRateLimit" {
			msg = "authentication refused: too many failed attempts, the server locked this user for a few seconds"
		}
	case code == CodeTimeout:
		msg = "no answer in time from the server at " + t.URI() + ": " + stableMessage(err.Error())
	case code == CodeConnectivity:
		msg = "cannot reach the server at " + t.URI() + ": " + stableMessage(err.Error())
	case code == CodeTLS:
		msg = "TLS with " + t.URI() + " failed (is the certificate trusted? bolt+ssc:// accepts self-signed ones, caFile names a CA): " + stableMessage(err.Error())
	default:
		msg = stableMessage(err.Error())
	}
	return &QueryError{Code: code, Identity: t.Identity(), Msg: msg, Err: err}
}

// What makes equal failures read differently: the driver writes the context's deadline into
// its timeout messages, Go's net errors name the client's ephemeral port, and server messages
// carry connection and transaction ids. Thousands of equal timeouts must group as one row.
var unstable = []struct {
	re   *regexp.Regexp
	with string
}{
	// 2026-12-04 14:42:48.79123 +0000 UTC m=+12.345678 (time.Time's String), and RFC 3339.
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?( ?(Z|[+-]\d{2}:?\d{2}))?( [A-Z]{2,5})?( m=[+-]\d+(\.\d+)?)?`), "<time>"},
	// "read tcp 127.0.0.1:53412->127.0.0.1:7687": the local end is an ephemeral port; the
	// remote end stays.
	{regexp.MustCompile(`(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.%a-z]+\]):\d+->`), ""},
	// Bolt connection ids (bolt-123) and lock clients and transactions in deadlock reports.
	{regexp.MustCompile(`\bbolt-\d+`), "bolt-<id>"},
	{regexp.MustCompile(`\b(transactionId|clientId|connectionId|transaction id|connection id)([=: ]+)\d+`), "$1$2<id>"},
	{regexp.MustCompile(`\bClient\[\d+\]`), "Client[<id>]"},
	{regexp.MustCompile(`\btx:\d+`), "tx:<id>"},
	// The locked resources of a deadlock report: ids of this run's nodes and relationships.
	{regexp.MustCompile(`\b(NODE|RELATIONSHIP|RELATIONSHIP_GROUP|NODE_RELATIONSHIP_GROUP_DELETE|RELATIONSHIP_DELETE|DEGREES|LABEL|RELATIONSHIP_TYPE|INDEX_ENTRY|SCHEMA_NAME|PAGE)\(\d+\)`), "$1(<id>)"},
}

// stableMessage removes what differs between two occurrences of the same failure.
func stableMessage(s string) string {
	for _, u := range unstable {
		s = u.re.ReplaceAllString(s, u.with)
	}
	return s
}

// unauthorizedMessage says which login the server refused, by scheme, without the server's
// own text (which may quote what was sent).
func unauthorizedMessage(t Target) string {
	switch t.authScheme() {
	case AuthBearer:
		return "authentication failed: the server refused the bearer token (expired, not signed by a provider it trusts, or a server without SSO such as Community)"
	case AuthKerberos:
		return "authentication failed: the server refused the kerberos ticket (is Kerberos configured on the server?)"
	case AuthNone:
		return "authentication failed: the server requires a login (auth scheme 'none' needs a server with dbms.security.auth_enabled=false)"
	case AuthCustom:
		return "authentication failed: the server refused the custom login (is its auth plugin installed?)"
	}
	return "authentication failed: wrong user name or password"
}
