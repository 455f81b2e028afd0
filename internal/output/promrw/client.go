package promrw

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// userAgent names the sender, as the spec requires.
const userAgent = "xk6-neo4j (experimental-prometheus-rw)"

// ErrUnreachable is wrapped when the endpoint cannot be reached at all (refused, timed out,
// no such host, TLS failure).
var ErrUnreachable = errors.New("remote-write endpoint unreachable")

// ErrRejected is wrapped when the endpoint answers a write with an HTTP error status.
var ErrRejected = errors.New("remote-write endpoint rejected the write")

// client sends encoded write requests to the endpoint.
type client struct {
	http     *http.Client
	url      string // the endpoint, as requests use it
	redacted string // the endpoint for messages: any password in it replaced by xxxxx
	headers  http.Header
	username string
	password string
	bearer   string
	// retryBase is the first pause before retrying a write the endpoint could not take now
	// (a 5xx, a 429, a network error); it doubles up to a second, within the push's deadline.
	retryBase time.Duration
}

func newClient(c Config) (*client, error) {
	tlsConf := &tls.Config{
		MinVersion:         c.TLSMinVersion,
		InsecureSkipVerify: c.InsecureSkipTLSVerify, //nolint:gosec // the user asked for it
	}
	if c.ClientCertificate != "" {
		cert, err := tls.LoadX509KeyPair(c.ClientCertificate, c.ClientCertificateKey)
		if err != nil {
			return nil, fmt.Errorf("%w: %s / %s: %v", ErrInvalidConfig, envClientCert, envClientCertKey, err)
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &client{
		http:      &http.Client{Transport: tr}, // deadlines come from each request's context
		url:       c.ServerURL.String(),
		redacted:  c.ServerURL.Redacted(),
		headers:   c.Headers,
		username:  c.Username,
		password:  c.Password,
		bearer:    c.BearerToken,
		retryBase: 100 * time.Millisecond,
	}, nil
}

// send posts one snappy-compressed WriteRequest, retrying what the spec says to retry (5xx,
// and 429, which it allows, and network errors) with a doubling pause until ctx ends; other
// statuses fail at once. Errors name the endpoint without its password and wrap ErrUnreachable
// or ErrRejected.
func (c *client) send(ctx context.Context, body []byte) error {
	pause := c.retryBase
	for {
		retry, err := c.post(ctx, body)
		if err == nil || !retry {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// post makes one attempt; retry says whether another may succeed.
func (c *client) post(ctx context.Context, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrUnreachable, c.redacted, err)
	}
	for k, vs := range c.headers {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Encoding", "snappy")
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	switch {
	case c.bearer != "":
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	case c.username != "" || c.password != "":
		req.SetBasicAuth(c.username, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// *url.Error repeats the URL; its Err is the cause alone.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return true, fmt.Errorf("%w: %s: %v", ErrUnreachable, c.redacted, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
		return false, nil
	}
	// The spec: senders must not interpret the message but should log it as is.
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	text := strings.TrimSpace(string(msg))
	err = fmt.Errorf("%w: %s: HTTP %s", ErrRejected, c.redacted, resp.Status)
	if text != "" {
		err = fmt.Errorf("%w: %s", err, text)
	}
	if resp.StatusCode == http.StatusNotFound && text == "" {
		err = fmt.Errorf("%w (is it a remote-write receiver? Prometheus needs --web.enable-remote-write-receiver)", err)
	}
	return resp.StatusCode/100 == 5 || resp.StatusCode == http.StatusTooManyRequests, err
}

func (c *client) close() { c.http.CloseIdleConnections() }
