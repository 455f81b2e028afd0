package promrw

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The settings, by their k6 names (https://grafana.com/docs/k6/latest/results-output/real-time/prometheus-remote-write/#options).
const (
	envPrefix          = "K6_PROMETHEUS_RW_"
	envServerURL       = envPrefix + "SERVER_URL"
	envPushInterval    = envPrefix + "PUSH_INTERVAL"
	envTrendStats      = envPrefix + "TREND_STATS"
	envNativeHistogram = envPrefix + "TREND_AS_NATIVE_HISTOGRAM"
	envHeaderPrefix    = envPrefix + "HEADERS_"
	envHTTPHeaders     = envPrefix + "HTTP_HEADERS"
	envLabels          = envPrefix + "LABELS"
	envUsername        = envPrefix + "USERNAME"
	envPassword        = envPrefix + "PASSWORD"
	envBearerToken     = envPrefix + "BEARER_TOKEN"
	envInsecure        = envPrefix + "INSECURE_SKIP_TLS_VERIFY"
	envTLSMinVersion   = envPrefix + "TLS_MINIMUM_VERSION"
	envClientCert      = envPrefix + "CLIENT_CERTIFICATE"
	envClientCertKey   = envPrefix + "CLIENT_CERTIFICATE_KEY"
	envStaleMarkers    = envPrefix + "STALE_MARKERS"
	envSigV4Prefix     = envPrefix + "SIGV4_"
)

// k6's defaults for the settings.
const (
	DefaultServerURL    = "http://localhost:9090/api/v1/write"
	DefaultPushInterval = 5 * time.Second
)

// DefaultTrendStats is what a trend becomes when K6_PROMETHEUS_RW_TREND_STATS is not set: its
// 99th percentile only, as in k6.
var DefaultTrendStats = []string{"p(99)"}

// reservedHeaders are set by the protocol; the remote-write spec forbids letting users
// override them.
var reservedHeaders = []string{"Content-Encoding", "Content-Type", "User-Agent", "X-Prometheus-Remote-Write-Version"}

// ErrInvalidConfig is wrapped by every error about a K6_PROMETHEUS_RW_* setting.
var ErrInvalidConfig = errors.New("invalid experimental-prometheus-rw setting")

// Config is the output's settings. Make it with ConfigFromEnv, which fills k6's defaults and
// validates; the zero value is not usable.
type Config struct {
	// ServerURL is the remote-write endpoint.
	ServerURL *url.URL
	// PushInterval is how often aggregated series are pushed.
	PushInterval time.Duration
	// TrendStats are the statistics each trend becomes, in k6's syntax (avg, min, med, max,
	// count, sum, p(N)).
	TrendStats []string
	// Headers are extra request headers (K6_PROMETHEUS_RW_HEADERS_* and
	// K6_PROMETHEUS_RW_HTTP_HEADERS).
	Headers http.Header
	// Labels are static labels added to every series that does not already have the label.
	Labels map[string]string
	// Username and Password are HTTP basic authentication, used when either is set.
	Username, Password string
	// BearerToken, when set, is sent as "Authorization: Bearer ...".
	BearerToken string
	// InsecureSkipTLSVerify turns off certificate verification.
	InsecureSkipTLSVerify bool
	// TLSMinVersion is tls.VersionTLS12 or tls.VersionTLS13 (k6's default).
	TLSMinVersion uint16
	// ClientCertificate and ClientCertificateKey are PEM files for TLS client authentication.
	ClientCertificate, ClientCertificateKey string
	// StaleMarkers makes Stop mark every series pushed during the run as stale.
	StaleMarkers bool
}

// ConfigFromEnv reads the K6_PROMETHEUS_RW_* settings, fills k6's defaults and reports every
// bad setting at once, each naming the variable (never a secret's value). unknown lists the
// K6_PROMETHEUS_RW_* variables that mean nothing here, for a warning: a typo there would
// otherwise pass silently.
func ConfigFromEnv(env map[string]string) (c Config, unknown []string, err error) {
	c = Config{
		PushInterval:  DefaultPushInterval,
		TrendStats:    slices.Clone(DefaultTrendStats),
		Headers:       http.Header{},
		Labels:        map[string]string{},
		TLSMinVersion: tls.VersionTLS13,
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrInvalidConfig, name, fmt.Sprintf(format, args...)))
	}

	raw := env[envServerURL]
	if raw == "" {
		raw = DefaultServerURL
	}
	if u, perr := parseServerURL(raw); perr != nil {
		bad(envServerURL, "%v", perr)
	} else {
		c.ServerURL = u
	}

	if v, ok := env[envPushInterval]; ok && v != "" {
		d, perr := parseDuration(v)
		switch {
		case perr != nil:
			bad(envPushInterval, "%q is not a duration such as 5s or 500ms", v)
		case d <= 0:
			bad(envPushInterval, "%q must be more than zero", v)
		default:
			c.PushInterval = d
		}
	}

	if v := env[envTrendStats]; strings.TrimSpace(v) != "" {
		stats, serrs := parseTrendStats(v)
		for _, e := range serrs {
			bad(envTrendStats, "%v", e)
		}
		c.TrendStats = stats
	}

	boolean := func(name string, dst *bool) {
		v, ok := env[name]
		if !ok || v == "" {
			return
		}
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			bad(name, "%q is not a boolean (true or false)", v)
			return
		}
		*dst = b
	}
	var native bool
	boolean(envNativeHistogram, &native)
	if native {
		bad(envNativeHistogram, "native histograms are not supported by this output; leave it unset and choose the trend statistics with %s", envTrendStats)
	}
	boolean(envInsecure, &c.InsecureSkipTLSVerify)
	boolean(envStaleMarkers, &c.StaleMarkers)

	switch v := env[envTLSMinVersion]; v {
	case "", "1.3":
	case "1.2":
		c.TLSMinVersion = tls.VersionTLS12
	default:
		bad(envTLSMinVersion, "%q is not 1.2 or 1.3", v)
	}

	// Headers: the comma-separated list first, then the one-per-variable form, which wins.
	if v := env[envHTTPHeaders]; v != "" {
		for i, item := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(item, ":")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				// Only the position: the item may well be a secret without its colon.
				bad(envHTTPHeaders, "item %d is not key:value", i+1)
				continue
			}
			c.Headers.Set(k, strings.TrimSpace(val))
		}
	}
	for _, name := range sortedKeys(env) {
		if k, ok := strings.CutPrefix(name, envHeaderPrefix); ok {
			if k == "" {
				bad(name, "the header name is missing (K6_PROMETHEUS_RW_HEADERS_<name>=<value>)")
				continue
			}
			c.Headers.Set(k, env[name])
		}
	}
	for k := range c.Headers {
		if !validHeaderName(k) {
			bad("headers", "%q is not a valid HTTP header name", k)
		}
		for _, r := range reservedHeaders {
			if http.CanonicalHeaderKey(r) == k {
				bad("headers", "%s is set by the remote-write protocol and cannot be overridden", r)
			}
		}
	}

	if v := env[envLabels]; v != "" {
		for item := range strings.SplitSeq(v, ",") {
			k, val, ok := strings.Cut(item, "=")
			k, val = strings.TrimSpace(k), strings.TrimSpace(val)
			if !ok {
				bad(envLabels, "%q is not key=value", item)
				continue
			}
			// As k6 documents: empty names or values and the reserved __name__ are ignored.
			if k == "" || val == "" || k == nameLabel {
				continue
			}
			if ln := labelName(k); ln != k {
				bad(envLabels, "%q is not a valid label name (letters, digits and _, not starting with a digit); %q would be", k, ln)
				continue
			}
			c.Labels[k] = val
		}
	}

	c.Username, c.Password = env[envUsername], env[envPassword]
	c.BearerToken = env[envBearerToken]
	if c.BearerToken != "" && (c.Username != "" || c.Password != "") {
		bad(envBearerToken, "cannot be used together with %s/%s", envUsername, envPassword)
	}
	if c.BearerToken != "" && c.Headers.Get("Authorization") != "" {
		bad(envBearerToken, "cannot be used together with an Authorization header")
	}

	c.ClientCertificate, c.ClientCertificateKey = env[envClientCert], env[envClientCertKey]
	if (c.ClientCertificate == "") != (c.ClientCertificateKey == "") {
		bad(envClientCert, "%s and %s must be set together", envClientCert, envClientCertKey)
	}

	for _, name := range sortedKeys(env) {
		if !strings.HasPrefix(name, envPrefix) {
			continue
		}
		if strings.HasPrefix(name, envSigV4Prefix) {
			bad(name, "AWS SigV4 signing is not supported by this output")
			continue
		}
		if !knownSetting(name) {
			unknown = append(unknown, name)
		}
	}
	return c, unknown, errors.Join(errs...)
}

func knownSetting(name string) bool {
	switch name {
	case envServerURL, envPushInterval, envTrendStats, envNativeHistogram, envHTTPHeaders, envLabels,
		envUsername, envPassword, envBearerToken, envInsecure, envTLSMinVersion, envClientCert,
		envClientCertKey, envStaleMarkers:
		return true
	}
	return strings.HasPrefix(name, envHeaderPrefix)
}

func parseServerURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error repeats the whole URL, password included: say less.
		return nil, errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s: the scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s: the host is missing", u.Redacted())
	}
	return u, nil
}

// parseDuration takes Go's durations ("5s", "1m30s") and, as k6 does for its durations, a bare
// number of milliseconds.
func parseDuration(s string) (time.Duration, error) {
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		if ms > float64(1<<62)/float64(time.Millisecond) || ms < -float64(1<<62)/float64(time.Millisecond) {
			return 0, errors.New("out of range")
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	return time.ParseDuration(s)
}

// parseTrendStats splits a comma-separated list of statistics, drops duplicates and checks
// that no two give the same series name (p(9.99) and p(99.9) both end in _p999).
func parseTrendStats(v string) (stats []string, errs []error) {
	bySuffix := map[string]string{}
	for item := range strings.SplitSeq(v, ",") {
		st := strings.TrimSpace(item)
		if st == "" {
			continue
		}
		if _, err := metrics.ParseTrendStat(st); err != nil {
			errs = append(errs, err)
			continue
		}
		sfx := statSuffix(st)
		if prev, dup := bySuffix[sfx]; dup {
			if prev != st {
				errs = append(errs, fmt.Errorf("%s and %s would both be sent as *_%s", prev, st, sfx))
			}
			continue
		}
		bySuffix[sfx] = st
		stats = append(stats, st)
	}
	if len(stats) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%q lists no statistic", v))
	}
	return stats, errs
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
