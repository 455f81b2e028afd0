// Package kdur reads durations the way k6 writes them in options and thresholds: "30s",
// "1m30s", "1.5h", "500ms", "1d2h", a bare number of seconds. Shared by the options and the
// thresholds so both accept, and refuse, exactly the same text.
package kdur

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Max is the longest span a Duration holds, 2562047h47m16.854775807s.
const Max = time.Duration(math.MaxInt64)

// Parse reads a k6 duration string: Go's syntax ("1m30s", "500ms"), optionally after a
// number of days ("1d2h"), or a bare number of seconds. Errors quote s as written.
func Parse(s string) (time.Duration, error) {
	in := strconv.Quote(s)
	t := strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(t, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		d, err := FromFloat(f, time.Second, in)
		return d, err
	}
	// k6 also accepts days: "1d", "1.5d", "1d2h".
	var days time.Duration
	if i := strings.IndexByte(t, 'd'); i > 0 {
		if n, err := strconv.ParseFloat(t[:i], 64); err == nil || errors.Is(err, strconv.ErrRange) {
			var derr error
			if days, derr = FromFloat(n, 24*time.Hour, in); derr != nil {
				return 0, derr
			}
			t = t[i+1:]
			if t == "" {
				return days, nil
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
	if d > Max-days {
		return 0, outOfRange(in)
	}
	return days + d, nil
}

// FromFloat converts f units to a duration. strconv.ParseFloat takes "NaN", "Inf" and
// numbers far beyond what an int64 of nanoseconds holds, and converting those to a
// time.Duration silently yields nonsense (math.MinInt64), so they are refused here; text is
// the value as the user wrote it, for the message.
func FromFloat(f float64, unit time.Duration, text string) (time.Duration, error) {
	switch {
	case math.IsNaN(f):
		return 0, fmt.Errorf("%s is not a number", text)
	case f < 0:
		return 0, fmt.Errorf("%s is negative", text)
	}
	// float64(math.MaxInt64) rounds up to 2^63, which no int64 holds: refuse it too.
	ns := f * float64(unit)
	if ns >= float64(Max) {
		return 0, outOfRange(text)
	}
	return time.Duration(ns), nil
}

func outOfRange(text string) error {
	return fmt.Errorf("%s is out of range (the longest duration is %s)", text, Max)
}
