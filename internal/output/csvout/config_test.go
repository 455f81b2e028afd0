package csvout

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		arg  string
		env  map[string]string
		want Config
	}{
		{name: "defaults", want: Config{FileName: "file.csv", SaveInterval: time.Second, TimeFormat: Unix}},
		{name: "a file name", arg: "out/results.csv.gz",
			want: Config{FileName: "out/results.csv.gz", SaveInterval: time.Second, TimeFormat: Unix}},
		{name: "stdout", arg: "-", want: Config{FileName: "-", SaveInterval: time.Second, TimeFormat: Unix}},
		{name: "environment", env: map[string]string{"K6_CSV_FILENAME": "env.csv", "K6_CSV_SAVE_INTERVAL": "1m45s", "K6_CSV_TIME_FORMAT": "rfc3339_nano"},
			want: Config{FileName: "env.csv", SaveInterval: 105 * time.Second, TimeFormat: RFC3339Nano}},
		{name: "a number of milliseconds", env: map[string]string{"K6_CSV_SAVE_INTERVAL": "250"},
			want: Config{FileName: "file.csv", SaveInterval: 250 * time.Millisecond, TimeFormat: Unix}},
		{name: "the argument wins over the environment", arg: "arg.csv", env: map[string]string{"K6_CSV_FILENAME": "env.csv", "K6_CSV_TIME_FORMAT": "unix_milli"},
			want: Config{FileName: "arg.csv", SaveInterval: time.Second, TimeFormat: UnixMilli}},
		{name: "settings in the argument", arg: "fileName=a=b.csv,saveInterval=5s,timeFormat=unix_nano",
			env:  map[string]string{"K6_CSV_TIME_FORMAT": "rfc3339"},
			want: Config{FileName: "a=b.csv", SaveInterval: 5 * time.Second, TimeFormat: UnixNano}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig(tt.arg, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		arg   string
		env   map[string]string
		names []string // what the error must mention, one per problem
	}{
		{name: "time format", env: map[string]string{"K6_CSV_TIME_FORMAT": "iso"}, names: []string{"K6_CSV_TIME_FORMAT", `"iso"`}},
		{name: "interval", arg: "saveInterval=soon", names: []string{"saveInterval", `"soon"`}},
		{name: "negative interval", arg: "saveInterval=-1s", names: []string{`"-1s"`, "not positive"}},
		{name: "zero interval", env: map[string]string{"K6_CSV_SAVE_INTERVAL": "0"}, names: []string{`"0"`, "not positive"}},
		{name: "NaN interval", env: map[string]string{"K6_CSV_SAVE_INTERVAL": "NaN"}, names: []string{"not positive"}},
		{name: "unknown key", arg: "file=x.csv", names: []string{`"file"`, "fileName=NAME"}},
		{name: "not key=value", arg: "fileName=x.csv,rfc3339", names: []string{`"rfc3339"`}},
		{name: "every problem at once", arg: "timeFormat=x,saveInterval=y",
			env: map[string]string{"K6_CSV_FILENAME": ""}, names: []string{"timeFormat", "saveInterval", "K6_CSV_FILENAME"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(tt.arg, tt.env)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			for _, n := range tt.names {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not mention %s", err, n)
				}
			}
		})
	}
}

// FuzzParseConfig: no argument or environment value makes the parser panic, and what it
// accepts is usable.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"", "x.csv", "fileName=a,saveInterval=1s,timeFormat=unix", "saveInterval=1e300", "=,=", "timeFormat= rfc3339"} {
		f.Add(s, "250")
	}
	f.Fuzz(func(t *testing.T, arg, interval string) {
		c, err := ParseConfig(arg, map[string]string{"K6_CSV_SAVE_INTERVAL": interval})
		if err != nil {
			return
		}
		if c.SaveInterval <= 0 || c.FileName == "" {
			t.Fatalf("ParseConfig(%q, %q) = %+v", arg, interval, c)
		}
	})
}
