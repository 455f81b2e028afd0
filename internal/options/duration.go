package options

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time span written the way k6 options write it: a string such as "30s",
// "1m30s", "1.5h", "500ms" (a bare number string means seconds), or a JSON number of
// milliseconds.
type Duration time.Duration

// ParseDuration reads a k6 duration string.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return Duration(f * float64(time.Second)), nil
	}
	// k6 also accepts days: "1d2h".
	var days time.Duration
	if i := strings.Index(s, "d"); i > 0 {
		if n, err := strconv.ParseFloat(s[:i], 64); err == nil {
			days = time.Duration(n * 24 * float64(time.Hour))
			s = s[i+1:]
			if s == "" {
				return Duration(days), nil
			}
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (write e.g. \"30s\", \"1m30s\", \"500ms\")", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return Duration(days + d), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("%s is neither a duration string nor a number of milliseconds", b)
	}
	if ms < 0 {
		return fmt.Errorf("%s is negative", b)
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// MarshalJSON writes the duration as a string, the way k6's summary data shows options.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// String renders as k6 does: 30s, 1m30s, 500ms.
func (d Duration) String() string {
	td := time.Duration(d)
	s := td.String()
	// time.Duration prints 1m0s and 1h0m0s; k6 prints 1m0s too, keep it.
	return s
}

// D is the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
