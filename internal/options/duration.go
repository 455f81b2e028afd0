package options

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time span written the way k6 options write it: a string such as "30s",
// "1m30s", "1.5h", "500ms", "1d2h" (a bare number string means seconds), or a JSON number of
// milliseconds. It is never negative.
type Duration time.Duration

// maxDuration is the longest span a Duration holds, 2562047h47m16.854775807s.
const maxDuration = time.Duration(math.MaxInt64)

// ParseDuration reads a k6 duration string. Errors quote s as written.
func ParseDuration(s string) (Duration, error) {
	in := strconv.Quote(s)
	t := strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(t, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		d, err := fromFloat(f, time.Second, in)
		return Duration(d), err
	}
	// k6 also accepts days: "1d", "1.5d", "1d2h".
	var days time.Duration
	if i := strings.IndexByte(t, 'd'); i > 0 {
		if n, err := strconv.ParseFloat(t[:i], 64); err == nil || errors.Is(err, strconv.ErrRange) {
			var derr error
			if days, derr = fromFloat(n, 24*time.Hour, in); derr != nil {
				return 0, derr
			}
			t = t[i+1:]
			if t == "" {
				return Duration(days), nil
			}
		}
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, fmt.Errorf("%s is not a duration (write e.g. \"30s\", \"1m30s\", \"500ms\", \"1d2h\")", in)
	}
	if d < 0 {
		if days > 0 {
			return 0, fmt.Errorf("%s has a negative part", in)
		}
		return 0, fmt.Errorf("%s is negative", in)
	}
	if d > maxDuration-days {
		return 0, outOfRange(in)
	}
	return Duration(days + d), nil
}

// fromFloat converts f units to a duration. strconv.ParseFloat takes "NaN", "Inf" and
// numbers far beyond what an int64 of nanoseconds holds, and converting those to a
// time.Duration silently yields nonsense (math.MinInt64), so they are refused here; text is
// the value as the user wrote it, for the message.
func fromFloat(f float64, unit time.Duration, text string) (time.Duration, error) {
	switch {
	case math.IsNaN(f):
		return 0, fmt.Errorf("%s is not a number", text)
	case f < 0:
		return 0, fmt.Errorf("%s is negative", text)
	}
	// float64(math.MaxInt64) rounds up to 2^63, which no int64 holds: refuse it too.
	ns := f * float64(unit)
	if ns >= float64(maxDuration) {
		return 0, outOfRange(text)
	}
	return time.Duration(ns), nil
}

func outOfRange(text string) error {
	return fmt.Errorf("%s is out of range (the longest duration is %s)", text, maxDuration)
}

// UnmarshalJSON implements json.Unmarshaler. JSON null leaves d as it is.
func (d *Duration) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
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
	case len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9'):
		ms, err := strconv.ParseFloat(string(b), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%s is not a number of milliseconds", b)
		}
		// On ErrRange ms is ±Inf (too big) or 0 (too small to tell from 0): fromFloat
		// refuses the first and 0 is right for the second.
		v, err := fromFloat(ms, time.Millisecond, string(b))
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	return fmt.Errorf("%s is neither a duration string nor a number of milliseconds", b)
}

// MarshalJSON writes the duration as a string, the way k6's summary data shows options.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// String renders as k6 does: 30s, 1m30s, 500ms (1m0s and 1h0m0s keep their zero parts,
// as in k6).
func (d Duration) String() string { return time.Duration(d).String() }

// D is the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
