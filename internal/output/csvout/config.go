package csvout

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TimeFormat is how the timestamp column is written (k6's timeFormat, K6_CSV_TIME_FORMAT).
type TimeFormat string

// The time formats k6 documents for its CSV output.
const (
	Unix        TimeFormat = "unix"         // whole seconds since the epoch (the default)
	UnixMilli   TimeFormat = "unix_milli"   // milliseconds since the epoch
	UnixMicro   TimeFormat = "unix_micro"   // microseconds since the epoch
	UnixNano    TimeFormat = "unix_nano"    // nanoseconds since the epoch
	RFC3339     TimeFormat = "rfc3339"      // 2006-01-02T15:04:05Z07:00
	RFC3339Nano TimeFormat = "rfc3339_nano" // 2006-01-02T15:04:05.999999999Z07:00
)

var timeFormats = []TimeFormat{Unix, UnixMilli, UnixMicro, UnixNano, RFC3339, RFC3339Nano}

// Config is the CSV output's settings, k6's three: fileName, saveInterval and timeFormat.
type Config struct {
	// FileName is where rows go; "-" is stdout; a name ending in ".gz" is gzipped.
	FileName string
	// SaveInterval is how often buffered rows are written to the file.
	SaveInterval time.Duration
	// TimeFormat is the timestamp column's format.
	TimeFormat TimeFormat
}

// NewConfig returns k6's defaults: file.csv, every second, unix seconds.
func NewConfig() Config {
	return Config{FileName: "file.csv", SaveInterval: time.Second, TimeFormat: Unix}
}

// ErrInvalidConfig is wrapped by every error about the CSV output's settings.
var ErrInvalidConfig = errors.New("invalid csv output setting")

// ParseConfig applies, over the defaults, the environment (K6_CSV_FILENAME,
// K6_CSV_SAVE_INTERVAL, K6_CSV_TIME_FORMAT), then the --out argument, which is either a file
// name (`--out csv=results.csv`) or comma-separated settings
// (`--out csv=fileName=results.csv,timeFormat=rfc3339,saveInterval=5s`). Every problem is
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
		{"K6_CSV_FILENAME", "fileName"},
		{"K6_CSV_SAVE_INTERVAL", "saveInterval"},
		{"K6_CSV_TIME_FORMAT", "timeFormat"},
	} {
		if v, ok := env[kv.env]; ok {
			set(kv.key, v, kv.env)
		}
	}
	switch {
	case arg == "":
	case !strings.Contains(arg, "="):
		c.FileName = arg
	default:
		for pair := range strings.SplitSeq(arg, ",") {
			key, value, ok := strings.Cut(pair, "=")
			if !ok {
				errs = append(errs, fmt.Errorf("%w: --out csv=%s: %q is not key=value (keys: fileName, saveInterval, timeFormat)",
					ErrInvalidConfig, arg, pair))
				continue
			}
			set(strings.TrimSpace(key), value, "--out csv="+arg)
		}
	}
	return c, errors.Join(errs...)
}

func (c *Config) set(key, value string) error {
	switch key {
	case "fileName":
		if value == "" {
			return errors.New("fileName is empty")
		}
		c.FileName = value
	case "saveInterval":
		d, err := parseInterval(value)
		if err != nil {
			return err
		}
		c.SaveInterval = d
	case "timeFormat":
		f := TimeFormat(strings.TrimSpace(value))
		if !slices.Contains(timeFormats, f) {
			return fmt.Errorf("timeFormat %q is not one of %s", value, joinFormats())
		}
		c.TimeFormat = f
	default:
		return fmt.Errorf("unknown key %q (keys: fileName, saveInterval, timeFormat; a file name containing '=' is written fileName=NAME)", key)
	}
	return nil
}

// parseInterval reads saveInterval as k6 documents it: a duration with units ("1m45s") or a
// number of milliseconds. It must be positive.
func parseInterval(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	var d time.Duration
	if ms, err := strconv.ParseFloat(t, 64); err == nil {
		switch {
		case !(ms > 0): // NaN too
			return 0, fmt.Errorf("saveInterval %q is not positive", s)
		case ms > float64(1<<62)/float64(time.Millisecond): // +Inf too
			return 0, fmt.Errorf("saveInterval %q is too long", s)
		}
		d = time.Duration(ms * float64(time.Millisecond))
	} else if d, err = time.ParseDuration(t); err != nil {
		return 0, fmt.Errorf("saveInterval %q is not a duration (write e.g. \"1s\", \"1m45s\" or a number of milliseconds)", s)
	}
	if !(d > 0) {
		return 0, fmt.Errorf("saveInterval %q is not positive", s)
	}
	return d, nil
}

func joinFormats() string {
	s := make([]string, len(timeFormats))
	for i, f := range timeFormats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
