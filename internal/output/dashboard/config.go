package dashboard

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/kdur"
)

// The environment variables, named as k6 names its web dashboard's.
const (
	EnvEnabled = "K6_WEB_DASHBOARD"        // "true" turns the dashboard on
	EnvHost    = "K6_WEB_DASHBOARD_HOST"   // address to listen on
	EnvPort    = "K6_WEB_DASHBOARD_PORT"   // port; 0 any free port; -1 no HTTP server
	EnvPeriod  = "K6_WEB_DASHBOARD_PERIOD" // bucket length and the page's refresh interval
	EnvExport  = "K6_WEB_DASHBOARD_EXPORT" // report file written when the run ends
	EnvOpen    = "K6_WEB_DASHBOARD_OPEN"   // k6 opens a browser; accepted and ignored here
)

// Defaults.
const (
	DefaultHost       = "127.0.0.1"
	DefaultPort       = 5665
	DefaultPeriod     = time.Second // k6's is 10s; one second makes short tests readable
	DefaultMaxBuckets = 600
	DefaultMaxSeries  = 20
)

// NoServer as Config.Port runs no HTTP server (the report is still written), as k6's -1.
const NoServer = -1

// Config is the dashboard's settings. Make it with NewConfig (or ParseConfig), which fills
// the defaults: Port 0 is meaningful (any free port), so the zero Config is not the default.
type Config struct {
	// Host and Port are where the live page is served. Port 0 picks a free port (see
	// Output.URL); NoServer serves nothing.
	Host string
	Port int
	// Period is the length of one time bucket and how often the page refreshes.
	Period time.Duration
	// Export is the report file written by Stop; "" writes none.
	Export string
	// MaxBuckets bounds the timeline: past it, older buckets are merged (see timeline).
	// At least 64.
	MaxBuckets int
	// MaxSeries bounds the query names and the error codes drawn as their own series; the
	// rest fold into "(other)". At least 2.
	MaxSeries int
	// Title is shown at the top of the page, e.g. the script's name.
	Title string
	// Thresholds, when set, reports the thresholds' current verdicts. It is called for each
	// snapshot the page asks for (about once a Period per open page) and once by Stop, never
	// with the output's lock held, so it may take the engine's.
	Thresholds func() []ThresholdResult
	// RunInfo, when set, returns what the run learned beyond its metrics (the module's
	// RunReport: the servers tested, each query's plan and profile). Its value is encoded as
	// JSON into each snapshot as "neo4j", its strings with control characters made visible;
	// nil leaves the field out. Like Thresholds it is called outside the output's lock, for
	// each snapshot and once by Stop.
	RunInfo func() any
	// Logger receives the dashboard's notices (the report written, a failed request); nil
	// discards them.
	Logger *slog.Logger
}

// NewConfig returns the defaults: 127.0.0.1:5665, 1 s buckets, no report file.
func NewConfig() Config {
	return Config{Host: DefaultHost, Port: DefaultPort, Period: DefaultPeriod,
		MaxBuckets: DefaultMaxBuckets, MaxSeries: DefaultMaxSeries}
}

// ErrInvalidConfig is wrapped by every error about the dashboard's settings.
var ErrInvalidConfig = errors.New("invalid web dashboard setting")

// Enabled reports whether the environment asks for the dashboard: K6_WEB_DASHBOARD is true,
// or K6_WEB_DASHBOARD_EXPORT names a report file (asking for a report implies the output)
// and K6_WEB_DASHBOARD is not explicitly false. A K6_WEB_DASHBOARD that is not a boolean is
// an error.
func Enabled(env map[string]string) (bool, error) {
	v, ok := env[EnvEnabled]
	if !ok || strings.TrimSpace(v) == "" {
		return env[EnvExport] != "", nil
	}
	on, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("%w: %s=%q is not true or false", ErrInvalidConfig, EnvEnabled, v)
	}
	return on, nil
}

// ParseConfig applies, over the defaults, the environment (K6_WEB_DASHBOARD_HOST, _PORT,
// _PERIOD, _EXPORT; _OPEN is accepted and ignored), then arg, the NAME=ARG of an --out
// option: settings as key=value pairs separated by '&' or ',' (keys host, port, period,
// export, open), e.g. `--out web-dashboard=port=0&export=report.html`. Every problem is
// reported at once, each naming the setting and its value.
func ParseConfig(arg string, env map[string]string) (Config, error) {
	c := NewConfig()
	var errs []error
	set := func(key, value, source string) {
		if err := c.set(key, value); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %w", ErrInvalidConfig, source, err))
		}
	}
	for _, kv := range [...]struct{ env, key string }{
		{EnvHost, "host"}, {EnvPort, "port"}, {EnvPeriod, "period"}, {EnvExport, "export"}, {EnvOpen, "open"},
	} {
		if v, ok := env[kv.env]; ok {
			set(kv.key, v, kv.env)
		}
	}
	if arg != "" {
		for pair := range strings.FieldsFuncSeq(arg, func(r rune) bool { return r == '&' || r == ',' }) {
			key, value, ok := strings.Cut(pair, "=")
			if !ok {
				errs = append(errs, fmt.Errorf("%w: --out web-dashboard=%s: %q is not key=value (keys: host, port, period, export, open)",
					ErrInvalidConfig, arg, pair))
				continue
			}
			set(strings.TrimSpace(key), value, "--out web-dashboard="+arg)
		}
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

func (c *Config) set(key, value string) error {
	v := strings.TrimSpace(value)
	switch key {
	case "host":
		c.Host = v
	case "port":
		p, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("port %q is not a number", value)
		}
		if p < NoServer || p > 65535 {
			return fmt.Errorf("port %d is not 0-65535 (0: any free port) or -1 (no server)", p)
		}
		c.Port = p
	case "period":
		d, err := kdur.Parse(v)
		if err != nil {
			return fmt.Errorf("period: %w", err)
		}
		if d < time.Millisecond {
			return fmt.Errorf("period %s is shorter than 1ms", d)
		}
		c.Period = d
	case "export":
		c.Export = v
	case "open": // k6 opens a browser; a load generator on a server has none to open
	default:
		return fmt.Errorf("unknown key %q (keys: host, port, period, export, open)", key)
	}
	return nil
}

// Validate reports every bad setting at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...))
	}
	if c.Port < NoServer || c.Port > 65535 {
		bad("port %d is not 0-65535 (0: any free port) or -1 (no server)", c.Port)
	}
	if c.Port != NoServer && c.Host == "" {
		bad("host is empty")
	}
	if c.Period < time.Millisecond {
		bad("period %s is shorter than 1ms", c.Period)
	}
	if c.MaxBuckets < 64 {
		bad("max buckets %d is less than 64", c.MaxBuckets)
	}
	if c.MaxSeries < 2 {
		bad("max series %d is less than 2", c.MaxSeries)
	}
	return errors.Join(errs...)
}
