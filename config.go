package neo4j

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/sobek"
)

// Target is where a client connects and as whom: the parts of the URI, the auth scheme and
// the principal. It never holds the password, token, ticket or credentials.
type Target struct {
	Scheme string // bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc
	Host   string
	Port   string
	// User is the principal: the user name for basic auth, the principal of a custom one,
	// empty for bearer, kerberos and none.
	User string
	// Auth is the login scheme: "" or "basic", "bearer", "kerberos", "none", "custom".
	Auth  string
	Realm string
	// Custom completes a custom login; nil for the other schemes.
	Custom *CustomAuth
}

var knownSchemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

// checkTLS matches the CA file option to the scheme: a CA file only means something when
// the scheme verifies certificates.
func checkTLS(t Target, s Settings) error {
	if s.CAFile == "" {
		return nil
	}
	if !strings.HasSuffix(t.Scheme, "+s") {
		return fmt.Errorf("%w \"caFile\" in connect(): it needs a scheme that verifies certificates (bolt+s:// or neo4j+s://), not %s://", ErrInvalidOption, t.Scheme)
	}
	return nil
}

// ParseTarget checks a connection URI such as bolt://127.0.0.1:7687 and pairs it with user.
// The port defaults to 7687. A password inside the URI is refused, so it cannot leak into
// tags or messages.
func ParseTarget(uri, user string) (Target, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return Target{}, fmt.Errorf("invalid Neo4j URI %q: expected SCHEME://HOST[:PORT], e.g. bolt://127.0.0.1:7687", redactURI(uri))
	}
	if !slices.Contains(knownSchemes, u.Scheme) {
		return Target{}, fmt.Errorf("invalid Neo4j URI %q: scheme %q is not one of %s", redactURI(uri), u.Scheme, strings.Join(knownSchemes, ", "))
	}
	if _, hasPw := u.User.Password(); hasPw {
		return Target{}, fmt.Errorf("invalid Neo4j URI %q: put the password in connect()'s password option, not in the URI", redactURI(uri))
	}
	if u.User != nil && user == "" {
		user = u.User.Username()
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "7687"
	}
	if user == "" {
		user = "neo4j"
	}
	return Target{Scheme: u.Scheme, Host: host, Port: port, User: user}, nil
}

// redactURI drops any user info so a mistyped URI never echoes a password: whatever stands
// before the last '@' (after the scheme) is replaced, even when the URI does not parse.
func redactURI(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	at := strings.LastIndex(uri, "@")
	if at < 0 {
		return uri
	}
	start := 0
	if j := strings.Index(uri, "://"); j >= 0 && j < strings.Index(uri, "@") {
		start = j + 3 // keep a scheme that stands before any '@'
	}
	return uri[:start] + "…" + uri[at:]
}

// URI is the driver's target, without user info.
func (t Target) URI() string {
	return t.Scheme + "://" + net.JoinHostPort(t.Host, t.Port)
}

// Identity is principal@host:port, the name a client is known by in tags and messages:
// user@host:port for basic auth, bearer@, kerberos@ or none@host:port for the schemes
// without a user name, custom:principal@host:port for a custom one. It never holds a secret.
func (t Target) Identity() string { return t.principal() + "@" + net.JoinHostPort(t.Host, t.Port) }

// Key is principal@uri: the pool's key, one driver each (poolKey adds the auth scheme and a
// keyed hash of the secret, so equal principals of different schemes stay apart).
func (t Target) Key() string { return t.principal() + "@" + t.URI() }

// Settings are the driver settings of one identity. The zero value of a field means the
// default given in DefaultSettings. Field tags name the JS option.
type Settings struct {
	MaxConnectionPoolSize        int           `js:"maxConnectionPoolSize"`
	ConnectionAcquisitionTimeout time.Duration `js:"connectionAcquisitionTimeout"`
	ConnectionTimeout            time.Duration `js:"connectionTimeout"`
	MaxTransactionRetryTime      time.Duration `js:"maxTransactionRetryTime"`
	MaxConnectionLifetime        time.Duration `js:"maxConnectionLifetime"`
	FetchSize                    int           `js:"fetchSize"`
	UserAgent                    string        `js:"userAgent"`
	// CAFile is a PEM file of certificate authorities to trust for bolt+s:// and neo4j+s://
	// instead of the system's.
	CAFile string `js:"caFile"`
	// ServerMetrics is how often the identity's server sampler reads the server's metrics
	// (neo4j_server_*); 0, the default, is off.
	ServerMetrics time.Duration `js:"serverMetrics"`
}

// DefaultSettings are tuned for load tests rather than applications: a failing or saturated
// server shows up as counted errors within seconds instead of silent retries for 30 s.
func DefaultSettings() Settings {
	return Settings{
		MaxConnectionPoolSize:        100,
		ConnectionAcquisitionTimeout: 10 * time.Second,
		ConnectionTimeout:            5 * time.Second,
		MaxTransactionRetryTime:      5 * time.Second,
		MaxConnectionLifetime:        time.Hour,
		FetchSize:                    1000,
		UserAgent:                    "xk6-neo4j",
	}
}

// ConnectOptions is everything connect() takes besides the URI.
type ConnectOptions struct {
	User     string
	Password string
	Database string
	Settings Settings
	// Auth is the `auth` option; nil when the script gave user and password (or nothing).
	Auth *AuthOptions
	// ImpersonatedUser is the user every session of the client acts as ("" for none).
	ImpersonatedUser string
	// Bookmarks is "vu" (the default), "shared" or "none".
	Bookmarks string
	// Profile is the share of the client's calls (0 to 1) that run as PROFILE; a call's own
	// profile option wins.
	Profile float64
}

// ErrInvalidOption wraps every bad connect()/call option.
var ErrInvalidOption = errors.New("invalid option")

// parseConnectOptions reads connect()'s second argument. Every unknown name and bad value is
// reported at once, each naming the option.
func parseConnectOptions(rt *sobek.Runtime, v sobek.Value) (ConnectOptions, error) {
	o := ConnectOptions{Database: "neo4j", Settings: DefaultSettings(), Bookmarks: BookmarksVU}
	if isUndefined(v) {
		return o, nil
	}
	// Only the type is named: a script that passes the password itself here
	// (connect(uri, __ENV.NEO4J_PASSWORD)) must not see it echoed.
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Object" {
		return o, fmt.Errorf("%w: connect() options must be an object such as {user, password}, got %s", ErrInvalidOption, describeType(v))
	}
	var errs []error
	s := &o.Settings
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		var err error
		switch k {
		case "user":
			o.User, err = optString(val)
		case "password":
			o.Password, err = optSecret(val)
		case "database":
			o.Database, err = optString(val)
		case "maxConnectionPoolSize":
			s.MaxConnectionPoolSize, err = optPositiveInt(val)
		case "fetchSize":
			s.FetchSize, err = optFetchSize(val)
		case "connectionAcquisitionTimeout":
			s.ConnectionAcquisitionTimeout, err = optDuration(val)
		case "connectionTimeout":
			s.ConnectionTimeout, err = optDuration(val)
		case "maxTransactionRetryTime":
			s.MaxTransactionRetryTime, err = optDuration(val)
		case "maxConnectionLifetime":
			s.MaxConnectionLifetime, err = optDuration(val)
		case "userAgent":
			s.UserAgent, err = optString(val)
		case "caFile":
			s.CAFile, err = optString(val)
		case "auth":
			var authErrs []error
			o.Auth, authErrs = parseAuth(rt, val)
			errs = append(errs, authErrs...)
		case "impersonatedUser":
			o.ImpersonatedUser, err = optString(val)
		case "bookmarks":
			o.Bookmarks, err = optBookmarks(val)
		case "serverMetrics":
			s.ServerMetrics, err = optSamplingPeriod(val)
		case "profile":
			o.Profile, err = optShare(val)
		default:
			err = fmt.Errorf("unknown option%s", suggest(k, connectOptionNames))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w %q in connect(): %w", ErrInvalidOption, k, err))
		}
	}
	if o.Auth != nil {
		for _, k := range []string{"user", "password"} {
			if obj.Get(k) != nil {
				errs = append(errs, fmt.Errorf("%w %q in connect(): give it inside auth ({scheme: 'basic', user, password}) or leave auth out, not both", ErrInvalidOption, k))
			}
		}
		if o.Auth.Scheme == AuthBasic {
			o.User, o.Password = o.Auth.Principal, o.Auth.Secret
		}
	}
	return o, errors.Join(errs...)
}

var connectOptionNames = []string{"user", "password", "database", "maxConnectionPoolSize", "fetchSize",
	"connectionAcquisitionTimeout", "connectionTimeout", "maxTransactionRetryTime",
	"maxConnectionLifetime", "userAgent", "caFile", "auth", "impersonatedUser", "bookmarks",
	"serverMetrics", "profile"}

// suggest names the closest known option, so a typo points at its fix.
func suggest(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return " (known options: " + strings.Join(known, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func isUndefined(v sobek.Value) bool {
	return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v)
}

// stringValue is v as a Go string when it is a JS string. (A Symbol exports as its
// description: it is not a string.)
func stringValue(v sobek.Value) (string, bool) {
	if _, sym := v.(*sobek.Symbol); sym || v == nil {
		return "", false
	}
	s, ok := v.Export().(string)
	return s, ok
}

func optString(v sobek.Value) (string, error) {
	if s, ok := stringValue(v); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s", describeJS(v))
}

// optSecret reads the password. A wrong one is named by its type only: whatever was put
// there is probably a secret, whatever its type.
func optSecret(v sobek.Value) (string, error) {
	if s, ok := stringValue(v); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s (the value is not shown)", describeType(v))
}

func optPositiveInt(v sobek.Value) (int, error) {
	f, ok := exportNumber(v)
	if !ok || f != math.Trunc(f) || f < 1 || f > math.MaxInt32 {
		return 0, fmt.Errorf("want a whole number of at least 1, got %s", describeJS(v))
	}
	return int(f), nil
}

func optFetchSize(v sobek.Value) (int, error) {
	f, ok := exportNumber(v)
	if ok && f == -1 {
		return -1, nil // the driver's "fetch all"
	}
	return optPositiveInt(v)
}

// MaxDuration bounds every duration option (connect()'s and a call's timeout): longer
// makes no sense in a load test, and the bound keeps time.Duration from overflowing.
const MaxDuration = 24 * time.Hour

// optDuration takes milliseconds as a number (as Neo4j's JS driver does) or a duration
// string such as "500ms" or "5s" (as k6 options do), from 0 to MaxDuration.
// MinServerMetricsPeriod is the shortest serverMetrics period: the sampler's queries are cheap,
// but not free.
const MinServerMetricsPeriod = 100 * time.Millisecond

// optSamplingPeriod reads serverMetrics: a duration of at least MinServerMetricsPeriod, or 0
// (or false) for off.
func optSamplingPeriod(v sobek.Value) (time.Duration, error) {
	if b, ok := v.Export().(bool); ok && !b {
		return 0, nil
	}
	d, err := optDuration(v)
	if err == nil && d != 0 && d < MinServerMetricsPeriod {
		err = fmt.Errorf("want 0 (off) or a period of at least %s, got %s", MinServerMetricsPeriod, describeJS(v))
	}
	return d, err
}

// optShare reads profile: a number from 0 (never) to 1 (every call).
func optShare(v sobek.Value) (float64, error) {
	f, ok := exportNumber(v)
	if !ok || !(f >= 0 && f <= 1) {
		return 0, fmt.Errorf("want a share of calls from 0 to 1 (e.g. 0.01), got %s", describeJS(v))
	}
	return f, nil
}

func optDuration(v sobek.Value) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("want milliseconds from 0 to %d or a duration like \"5s\" up to 24h, got %s",
			MaxDuration.Milliseconds(), describeJS(v))
	}
	fromMillis := func(f float64) (time.Duration, error) {
		// NaN fails both comparisons; ±Inf and huge values fail the second.
		if !(f >= 0 && f <= float64(MaxDuration.Milliseconds())) {
			return bad()
		}
		return time.Duration(f * float64(time.Millisecond)), nil
	}
	if _, sym := v.(*sobek.Symbol); sym {
		return bad()
	}
	switch x := v.Export().(type) {
	case int64:
		return fromMillis(float64(x))
	case float64:
		return fromMillis(x)
	case string:
		s := strings.TrimSpace(x)
		if d, err := time.ParseDuration(s); err == nil {
			if d < 0 || d > MaxDuration {
				return bad()
			}
			return d, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return fromMillis(f)
		}
	}
	return bad()
}

func exportNumber(v sobek.Value) (float64, bool) {
	switch n := v.Export().(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, !math.IsNaN(n)
	}
	return 0, false
}

// describeJS renders a bad value for an error message. Never use it for a value that may
// be a secret: describeType says what it is without showing it.
func describeJS(v sobek.Value) string {
	if isUndefined(v) {
		return describeType(v)
	}
	if _, ok := v.(*sobek.Object); ok {
		return describeType(v)
	}
	if _, ok := v.(*sobek.Symbol); ok {
		return "a symbol"
	}
	if s, ok := v.Export().(string); ok {
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return strconv.Quote(s)
	}
	return v.String()
}

// describeType names the type of a JS value ("a string", "an array", "null") and nothing of
// its content.
func describeType(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	}
	if _, ok := v.(*sobek.Symbol); ok {
		return "a symbol"
	}
	if o, ok := v.(*sobek.Object); ok {
		if _, isFn := sobek.AssertFunction(o); isFn {
			return "a function"
		}
		switch cls := o.ClassName(); cls {
		case "Object":
			return "an object"
		case "Array":
			return "an array"
		default:
			return "a " + cls + " object"
		}
	}
	switch v.Export().(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case *big.Int:
		return "a BigInt"
	}
	return "a " + v.ExportType().String()
}
