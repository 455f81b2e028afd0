package options_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"seconds", "30s", 30 * time.Second},
		{"minutes and seconds", "1m30s", 90 * time.Second},
		{"hours minutes seconds", "1h2m3s", time.Hour + 2*time.Minute + 3*time.Second},
		{"fractional hours", "1.5h", 90 * time.Minute},
		{"milliseconds", "500ms", 500 * time.Millisecond},
		{"microseconds", "250us", 250 * time.Microsecond},
		{"days and hours", "1d2h", 26 * time.Hour},
		{"days only", "1d", 24 * time.Hour},
		{"fractional days", "1.5d", 36 * time.Hour},
		{"days hours minutes", "2d3h4m", 51*time.Hour + 4*time.Minute},
		{"bare number is seconds", "10", 10 * time.Second},
		{"bare fraction is seconds", "0.5", 500 * time.Millisecond},
		{"zero", "0", 0},
		{"zero with unit", "0s", 0},
		{"surrounding spaces", " 10s ", 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := options.ParseDuration(tc.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			}
			if got.D() != tc.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, got.D(), tc.want)
			}
		})
	}
}

func TestParseDurationRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		// named is what the message must quote so the user finds the bad value: the whole
		// value as written, not a part of it.
		named string
	}{
		{"empty", "", `""`},
		{"garbage", "abc", `"abc"`},
		{"unknown unit", "10x", `"10x"`},
		{"unit without number", "s", `"s"`},
		{"d alone", "d", `"d"`},
		{"negative with unit", "-5s", `"-5s"`},
		{"negative bare number", "-10", `"-10"`},
		{"negative compound", "-1m30s", `"-1m30s"`},
		{"units in wrong order", "1h1d", `"1h1d"`},
		{"negative days", "-1d", `"-1d"`},
		{"negative fractional days", "-0.5d", `"-0.5d"`},
		{"negative days with hours", "-1d2h", `"-1d2h"`},
		{"garbage after days", "1dxyz", `"1dxyz"`},
		{"negative after days", "1d-2h", `"1d-2h"`},
		{"days twice", "1d1d", `"1d1d"`},
		{"NaN", "NaN", `"NaN"`},
		{"NaN days", "NaNd", `"NaNd"`},
		{"infinity", "Inf", `"Inf"`},
		{"plus infinity", "+Inf", `"+Inf"`},
		{"negative infinity", "-Inf", `"-Inf"`},
		{"infinite days", "Infd", `"Infd"`},
		{"overflow", "1e300", `"1e300"`},
		{"overflow beyond float64", "1e400", `"1e400"`},
		{"overflowing days", "1e300d", `"1e300d"`},
		{"just past the longest", "106751d23h47m17s", `"106751d23h47m17s"`},
		{"days just past the longest", "106752d", `"106752d"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := options.ParseDuration(tc.in)
			if err == nil {
				t.Fatalf("ParseDuration(%q) = %v, want an error", tc.in, got.D())
			}
			if !strings.Contains(err.Error(), tc.named) {
				t.Errorf("ParseDuration(%q) error %q does not name the value %s", tc.in, err, tc.named)
			}
		})
	}
}

// The longest span a Duration holds is accepted, in any spelling.
func TestParseDurationLongest(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"106751d23h47m16s", "2562047h47m16s", "106751d"} {
		d, err := options.ParseDuration(in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", in, err)
			continue
		}
		if d.D() <= 0 {
			t.Errorf("ParseDuration(%q) = %v, want a positive duration", in, d.D())
		}
	}
}

func TestDurationUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"string", `"30s"`, 30 * time.Second},
		{"compound string", `"1m30s"`, 90 * time.Second},
		{"days string", `"1d2h"`, 26 * time.Hour},
		{"bare number string is seconds", `"10"`, 10 * time.Second},
		{"number is milliseconds", `1500`, 1500 * time.Millisecond},
		{"fractional milliseconds", `0.5`, 500 * time.Microsecond},
		{"zero number", `0`, 0},
		{"exponent number", `1e3`, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d options.Duration
			if err := json.Unmarshal([]byte(tc.in), &d); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.in, err)
			}
			if d.D() != tc.want {
				t.Errorf("Unmarshal(%s) = %v, want %v", tc.in, d.D(), tc.want)
			}
		})
	}
}

func TestDurationUnmarshalJSONRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		named string
	}{
		{"negative number", `-1`, "-1"},
		{"negative string", `"-5s"`, "-5s"},
		{"garbage string", `"soon"`, "soon"},
		{"boolean", `true`, "true"},
		{"object", `{"s":1}`, `{"s":1}`},
		{"list", `[1]`, `[1]`},
		{"overflowing number", `1e300`, "1e300"},
		{"number beyond float64", `1e400`, "1e400"},
		{"negative number beyond float64", `-1e400`, "-1e400"},
		{"NaN string", `"NaN"`, "NaN"},
		{"overflowing string", `"1e300"`, "1e300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d options.Duration
			err := json.Unmarshal([]byte(tc.in), &d)
			if err == nil {
				t.Fatalf("Unmarshal(%s) = %v, want an error", tc.in, d.D())
			}
			if !strings.Contains(err.Error(), tc.named) {
				t.Errorf("Unmarshal(%s) error %q does not name the value %s", tc.in, err, tc.named)
			}
		})
	}
}

// JSON null means "not given": the Duration keeps its value, as encoding/json does for
// other types.
func TestDurationUnmarshalJSONNull(t *testing.T) {
	t.Parallel()
	d := options.Duration(time.Second)
	if err := json.Unmarshal([]byte(`null`), &d); err != nil {
		t.Fatal(err)
	}
	if d.D() != time.Second {
		t.Errorf("null changed the duration to %v", d.D())
	}
}

func TestDurationMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"seconds", 30 * time.Second, `"30s"`},
		{"minutes and seconds", 90 * time.Second, `"1m30s"`},
		{"milliseconds", 500 * time.Millisecond, `"500ms"`},
		{"zero", 0, `"0s"`},
		{"a day", 24 * time.Hour, `"24h0m0s"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(options.Duration(tc.d))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("Marshal(%v) = %s, want %s", tc.d, b, tc.want)
			}
			var back options.Duration
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if back.D() != tc.d {
				t.Errorf("round trip of %v gave %v", tc.d, back.D())
			}
		})
	}
}
