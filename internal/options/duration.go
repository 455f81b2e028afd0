package options

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/kdur"
)

// Duration is a time span written the way k6 options write it: a string such as "30s",
// "1m30s", "1.5h", "500ms", "1d2h" (a bare number string means seconds), or a JSON number of
// milliseconds. It is never negative.
type Duration time.Duration

// ParseDuration reads a k6 duration string. Errors quote s as written.
func ParseDuration(s string) (Duration, error) {
	d, err := kdur.Parse(s)
	return Duration(d), err
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
		v, err := kdur.FromFloat(ms, time.Millisecond, string(b))
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
