package neo4j

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Short error classes for failures that carry no Neo4j status code; they appear in the
// error_code tag and in JS exceptions' `code`.
const (
	CodeConnectivity  = "connectivity"
	CodeTimeout       = "timeout"
	CodePoolExhausted = "pool_exhausted"
	CodeUsage         = "usage"
	CodeCanceled      = "canceled"
	CodeTLS           = "tls"
	CodeUnknown       = "unknown"
)

// QueryError is what a failed call turns into: the Neo4j status code (or a short class), and
// a message that names the identity. It never contains a password.
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
	var n4 *neo4j.Neo4jError
	var conn *neo4j.ConnectivityError
	var usage *neo4j.UsageError
	switch {
	case errors.As(err, &n4):
		return n4.Code
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.As(err, &conn):
		if isAcquisitionTimeout(err) {
			return CodePoolExhausted
		}
		if isTLS(err) {
			return CodeTLS
		}
		return CodeConnectivity
	case errors.As(err, &usage):
		return CodeUsage
	}
	if isAcquisitionTimeout(err) {
		return CodePoolExhausted
	}
	return CodeUnknown
}

// The driver reports pool exhaustion only in its message text.
func isAcquisitionTimeout(err error) bool {
	s := err.Error()
	return strings.Contains(s, "acquisition timeout") || strings.Contains(s, "Timeout while waiting for connection")
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
	msg := err.Error()
	var n4 *neo4j.Neo4jError
	if errors.As(err, &n4) {
		msg = n4.Msg
		if code == "Neo.ClientError.Security.Unauthorized" {
			msg = "authentication failed: wrong user name or password"
		}
		if code == "Neo.ClientError.Security.AuthenticationRateLimit" {
			msg = "authentication refused: too many failed attempts, the server locked this user for a few seconds"
		}
	} else if code == CodeConnectivity {
		msg = "cannot reach the server at " + t.URI() + ": " + msg
	} else if code == CodeTLS {
		msg = "TLS with " + t.URI() + " failed (is the certificate trusted? bolt+ssc:// accepts self-signed ones, caFile names a CA): " + msg
	}
	return &QueryError{Code: code, Identity: t.Identity(), Msg: msg, Err: err}
}
