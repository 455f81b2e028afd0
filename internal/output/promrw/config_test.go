package promrw

import (
	"crypto/tls"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c, unknown, err := ConfigFromEnv(map[string]string{"PATH": "/bin", "K6_OTHER": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) != 0 {
		t.Errorf("unknown %q", unknown)
	}
	if c.ServerURL.String() != "http://localhost:9090/api/v1/write" {
		t.Errorf("server URL %s", c.ServerURL)
	}
	if c.PushInterval != 5*time.Second {
		t.Errorf("push interval %s", c.PushInterval)
	}
	if !reflect.DeepEqual(c.TrendStats, []string{"p(99)"}) {
		t.Errorf("trend stats %q", c.TrendStats)
	}
	if c.TLSMinVersion != tls.VersionTLS13 || c.InsecureSkipTLSVerify || c.StaleMarkers {
		t.Errorf("TLS/stale defaults: %+v", c)
	}
}

func TestConfigFromEnv(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"interval", map[string]string{envPushInterval: "250ms"}, func(t *testing.T, c Config) {
			if c.PushInterval != 250*time.Millisecond {
				t.Error(c.PushInterval)
			}
		}},
		{"interval in ms", map[string]string{envPushInterval: "1500"}, func(t *testing.T, c Config) {
			if c.PushInterval != 1500*time.Millisecond {
				t.Error(c.PushInterval)
			}
		}},
		{"trend stats", map[string]string{envTrendStats: " p(95), p(99) ,avg,max,p(95),count,sum,med,min,p(99.9)"}, func(t *testing.T, c Config) {
			want := []string{"p(95)", "p(99)", "avg", "max", "count", "sum", "med", "min", "p(99.9)"}
			if !reflect.DeepEqual(c.TrendStats, want) {
				t.Errorf("%q", c.TrendStats)
			}
		}},
		{"headers", map[string]string{
			envHTTPHeaders:                    "X-A: 1, x-b:2",
			envHeaderPrefix + "X-B":           "3",
			envHeaderPrefix + "X-Tenant":      "t1",
			envHeaderPrefix + "Authorization": "Token abc",
		}, func(t *testing.T, c Config) {
			want := http.Header{"X-A": {"1"}, "X-B": {"3"}, "X-Tenant": {"t1"}, "Authorization": {"Token abc"}}
			if !reflect.DeepEqual(c.Headers, want) {
				t.Errorf("%v", c.Headers)
			}
		}},
		{"labels", map[string]string{envLabels: "environment=production, server=srv1,empty=,=x,__name__=n"}, func(t *testing.T, c Config) {
			want := map[string]string{"environment": "production", "server": "srv1"}
			if !reflect.DeepEqual(c.Labels, want) {
				t.Errorf("%v", c.Labels)
			}
		}},
		{"auth and TLS", map[string]string{
			envUsername: "u", envPassword: "p", envInsecure: "true", envTLSMinVersion: "1.2", envStaleMarkers: "1",
			envServerURL: "https://prom.example:9443/api/v1/write",
		}, func(t *testing.T, c Config) {
			if c.Username != "u" || c.Password != "p" || !c.InsecureSkipTLSVerify || c.TLSMinVersion != tls.VersionTLS12 || !c.StaleMarkers {
				t.Errorf("%+v", c)
			}
		}},
		{"native histogram off", map[string]string{envNativeHistogram: "false"}, func(t *testing.T, c Config) {}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, unknown, err := ConfigFromEnv(c.env)
			if err != nil {
				t.Fatal(err)
			}
			if len(unknown) != 0 {
				t.Errorf("unknown %q", unknown)
			}
			c.check(t, cfg)
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want []string // each must appear in the error
	}{
		{"url scheme", map[string]string{envServerURL: "ftp://h/x"}, []string{envServerURL, "scheme"}},
		{"url host", map[string]string{envServerURL: "http:///x"}, []string{envServerURL, "host"}},
		{"url garbage", map[string]string{envServerURL: "http://a b:pw@h/%zz"}, []string{envServerURL, "not a valid URL"}},
		{"interval", map[string]string{envPushInterval: "soon"}, []string{envPushInterval, `"soon"`}},
		{"interval zero", map[string]string{envPushInterval: "0s"}, []string{envPushInterval, "more than zero"}},
		{"stat", map[string]string{envTrendStats: "p(99),p95"}, []string{envTrendStats, `"p95"`}},
		{"stat collision", map[string]string{envTrendStats: "p(9.99),p(99.9)"}, []string{envTrendStats, "_p999"}},
		{"stats empty", map[string]string{envTrendStats: " , "}, []string{envTrendStats, "no statistic"}},
		{"native histogram", map[string]string{envNativeHistogram: "true"}, []string{envNativeHistogram, "not supported"}},
		{"bool", map[string]string{envStaleMarkers: "yes"}, []string{envStaleMarkers, `"yes"`}},
		{"tls", map[string]string{envTLSMinVersion: "1.1"}, []string{envTLSMinVersion, `"1.1"`}},
		{"reserved header", map[string]string{envHeaderPrefix + "content-type": "text/plain"}, []string{"Content-Type", "cannot be overridden"}},
		{"bad header list", map[string]string{envHTTPHeaders: "novalue"}, []string{envHTTPHeaders, "key:value"}},
		{"bad header name", map[string]string{envHeaderPrefix + "a b": "x"}, []string{"not a valid HTTP header name"}},
		{"bad label", map[string]string{envLabels: "a-b=1"}, []string{envLabels, `"a-b"`}},
		{"bearer and basic", map[string]string{envBearerToken: "tok", envUsername: "u"}, []string{envBearerToken}},
		{"cert without key", map[string]string{envClientCert: "/c.pem"}, []string{envClientCert}},
		{"sigv4", map[string]string{envSigV4Prefix + "REGION": "eu-west-1"}, []string{"SIGV4_REGION", "not supported"}},
		{"several at once", map[string]string{envPushInterval: "x", envTrendStats: "nope"}, []string{envPushInterval, envTrendStats}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ConfigFromEnv(c.env)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("want ErrInvalidConfig, got %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestConfigErrorsHideSecrets: a bad setting's message never repeats a password or a header
// value.
func TestConfigErrorsHideSecrets(t *testing.T) {
	_, _, err := ConfigFromEnv(map[string]string{
		envServerURL:   "http://user:s3cret-url@h/%zz",
		envHTTPHeaders: "Authorization Bearer s3cret-hdr",
		envBearerToken: "s3cret-tok",
		envPassword:    "s3cret-pw",
	})
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error shows a secret: %v", err)
	}
}

func TestConfigUnknown(t *testing.T) {
	_, unknown, err := ConfigFromEnv(map[string]string{"K6_PROMETHEUS_RW_PUSH_INTERVALL": "1s", envHeaderPrefix + "X": "y"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(unknown, []string{"K6_PROMETHEUS_RW_PUSH_INTERVALL"}) {
		t.Fatalf("unknown %q", unknown)
	}
}

func FuzzConfigFromEnv(f *testing.F) {
	f.Add("http://localhost:9090/api/v1/write", "5s", "p(99),avg", "a:b,c:d", "x=y")
	f.Add("", "", "", "", "")
	f.Add("::", "-1", "p(", ":", "=")
	f.Fuzz(func(t *testing.T, url, interval, stats, headers, labels string) {
		c, _, err := ConfigFromEnv(map[string]string{
			envServerURL: url, envPushInterval: interval, envTrendStats: stats,
			envHTTPHeaders: headers, envLabels: labels,
		})
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error without ErrInvalidConfig: %v", err)
			}
			return
		}
		if c.ServerURL == nil || c.PushInterval <= 0 || len(c.TrendStats) == 0 {
			t.Fatalf("accepted an unusable config: %+v", c)
		}
		for k := range c.Labels {
			if labelName(k) != k {
				t.Fatalf("accepted label name %q", k)
			}
		}
	})
}
