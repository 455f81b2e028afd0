package options_test

import (
	"errors"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// FuzzFromJSON feeds user-written options (the script's `options` export as JSON) through
// FromJSON and Resolve. Neither may panic; FromJSON errors are always ErrInvalid; a resolved
// result is complete enough for the scheduler to use without nil checks.
func FuzzFromJSON(f *testing.F) {
	for _, seed := range []string{
		``,
		`{}`,
		`null`,
		`[]`,
		`{"vus":10,"duration":"30s"}`,
		`{"vus":2,"iterations":10,"duration":"1m"}`,
		`{"stages":[{"duration":"10s","target":5},{"duration":2000,"target":0}]}`,
		`{"vus":"ten"}`,
		`{"duration":"1d2h"}`,
		`{"unknownOption":1,"discardResponseBodies":true}`,
		`{"tags":{"a":"b"},"thresholds":{"checks":["rate>0.9"]},"summaryTrendStats":["p(99.9)"]}`,
		`{"scenarios":{"a":{"executor":"constant-arrival-rate","rate":5,"duration":"1m","preAllocatedVUs":2}}}`,
		`{"scenarios":{"a":{"executor":"ramping-arrival-rate","stages":[{"duration":"1s","target":1}]}}}`,
		`{"scenarios":{"a":{"executor":"externally-controlled","duration":"1m"},"b":{"executor":"x"}}}`,
		`{"scenarios":{"a":{"executor":"ramping-vus","stages":[]},"b":{"executor":"per-vu-iterations","vus":0}}}`,
		`{"scenarios":{"":{}}}`,
		`{"duration":"0s","vus":0}`,
		`{"vus":-1,"iterations":-1}`,
		`{"VUS":5,"Duration":"1h"}`,
		`{"vus":1} {"vus":2}`,
		`{"duration":"NaN","setupTimeout":1e300}`,
		`{"scenarios":{"a":{"executor":"constant-vus","duration":"-1d2h","VUs":3}}}`,
		`{"stages":[{"duration":"1d","target":1},5,{"Target":2}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := options.FromJSON(b)
		if err != nil {
			if !errors.Is(err, options.ErrInvalid) {
				t.Fatalf("FromJSON(%q) error is not ErrInvalid: %v", b, err)
			}
			return
		}
		r, err := o.Resolve()
		if err != nil {
			if !errors.Is(err, options.ErrInvalid) {
				t.Fatalf("Resolve error is not ErrInvalid: %v", err)
			}
			return
		}
		names := r.ScenarioNames()
		if len(names) == 0 || len(names) != len(r.Scenarios) {
			t.Fatalf("resolved options have scenarios %v (map of %d)", names, len(r.Scenarios))
		}
		for _, n := range names {
			s := r.Scenarios[n]
			if s.GracefulStop == nil || s.Exec == "" {
				t.Fatalf("scenario %q lacks defaults: gracefulStop %v, exec %q", n, s.GracefulStop, s.Exec)
			}
			if s.PeakVUs() < 0 {
				t.Fatalf("scenario %q: PeakVUs %d", n, s.PeakVUs())
			}
			if s.StartTime < 0 || s.MaxTime() < 0 {
				t.Fatalf("scenario %q: accepted a negative time: startTime %v, MaxTime %v", n, s.StartTime, s.MaxTime())
			}
		}
	})
}

// FuzzParseDuration: ParseDuration never panics and never returns a negative duration, and
// what it accepts prints as a string it reads back to the same value.
func FuzzParseDuration(f *testing.F) {
	for _, seed := range []string{"30s", "1m30s", "1.5h", "500ms", "1d2h", "1.5d", "10", "0.5", " 10s ",
		"-1d", "-1d2h", "1dxyz", "1d-2h", "NaN", "Inf", "+Inf", "1e300", "1e300d", "106751d23h47m16s", "d", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := options.ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d.D())
		}
		back, err := options.ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v, which reads back as %v, %v", s, d.D(), back.D(), err)
		}
	})
}
