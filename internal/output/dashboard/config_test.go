package dashboard

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	def := NewConfig()
	tests := []struct {
		name string
		arg  string
		env  map[string]string
		want func(c *Config)
		errs []string // each must appear in the error
	}{
		{name: "defaults", want: func(*Config) {}},
		{name: "k6's environment", env: map[string]string{
			EnvHost: "0.0.0.0", EnvPort: "0", EnvPeriod: "10s", EnvExport: "report.html", EnvOpen: "true"},
			want: func(c *Config) { c.Host, c.Port, c.Period, c.Export = "0.0.0.0", 0, 10*time.Second, "report.html" }},
		{name: "period as bare seconds", env: map[string]string{EnvPeriod: "2"},
			want: func(c *Config) { c.Period = 2 * time.Second }},
		{name: "no server", env: map[string]string{EnvPort: "-1"}, want: func(c *Config) { c.Port = NoServer }},
		{name: "--out argument over the environment", arg: "port=7000&export=out.html,period=500ms",
			env:  map[string]string{EnvPort: "6000", EnvExport: "env.html"},
			want: func(c *Config) { c.Port, c.Export, c.Period = 7000, "out.html", 500*time.Millisecond }},
		{name: "every problem at once", arg: "port=x&colour=red&period=0s&junk",
			env:  map[string]string{EnvPort: "70000"},
			errs: []string{"K6_WEB_DASHBOARD_PORT", `port "x" is not a number`, `unknown key "colour"`, `"junk" is not key=value`, "period 0s is shorter than 1ms"}},
		{name: "bad period", env: map[string]string{EnvPeriod: "soon"}, errs: []string{"K6_WEB_DASHBOARD_PERIOD", "soon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig(tt.arg, tt.env)
			if len(tt.errs) > 0 {
				if !errors.Is(err, ErrInvalidConfig) {
					t.Fatalf("err %v, want ErrInvalidConfig", err)
				}
				for _, e := range tt.errs {
					if !strings.Contains(err.Error(), e) {
						t.Errorf("error %q lacks %q", err, e)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := def
			tt.want(&want)
			if got.Host != want.Host || got.Port != want.Port || got.Period != want.Period || got.Export != want.Export ||
				got.MaxBuckets != want.MaxBuckets || got.MaxSeries != want.MaxSeries {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
		err  bool
	}{
		{env: nil},
		{env: map[string]string{EnvEnabled: "true"}, want: true},
		{env: map[string]string{EnvEnabled: "1"}, want: true},
		{env: map[string]string{EnvEnabled: "false", EnvExport: "r.html"}},
		{env: map[string]string{EnvExport: "r.html"}, want: true},
		{env: map[string]string{EnvEnabled: "yes please"}, err: true},
	} {
		got, err := Enabled(tt.env)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Enabled(%v) = %v, %v; want %v (error: %v)", tt.env, got, err, tt.want, tt.err)
		}
		if err != nil && !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("error %v is not ErrInvalidConfig", err)
		}
	}
}

func TestValidate(t *testing.T) {
	c := Config{Port: 5665}
	err := c.Validate()
	for _, want := range []string{"host is empty", "period 0s", "max buckets 0", "max series 0"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate of the zero Config: %v, want it to say %q", err, want)
		}
	}
	if _, err := NewOutput(c); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("NewOutput with a bad Config: %v", err)
	}
}
