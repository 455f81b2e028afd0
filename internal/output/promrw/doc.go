// Package promrw is `--out experimental-prometheus-rw`: the run's metrics pushed to a
// Prometheus remote-write endpoint, as k6's output of that name does
// (https://grafana.com/docs/k6/latest/results-output/real-time/prometheus-remote-write/), over
// the remote-write 1.0 protocol (https://prometheus.io/docs/specs/remote_write_spec/).
//
// # Settings
//
// From the environment, with k6's names and defaults:
//
//	K6_PROMETHEUS_RW_SERVER_URL                 endpoint; http://localhost:9090/api/v1/write
//	K6_PROMETHEUS_RW_PUSH_INTERVAL              aggregation and push interval; 5s
//	K6_PROMETHEUS_RW_TREND_STATS                statistics per trend (avg, min, med, max, count, sum, p(N)); p(99)
//	K6_PROMETHEUS_RW_HEADERS_<Name>=<value>     an extra request header
//	K6_PROMETHEUS_RW_HTTP_HEADERS               extra headers as k1:v1,k2:v2
//	K6_PROMETHEUS_RW_LABELS                     static labels as k1=v1,k2=v2 (a tag of the same name wins)
//	K6_PROMETHEUS_RW_USERNAME, _PASSWORD        HTTP basic authentication
//	K6_PROMETHEUS_RW_BEARER_TOKEN               Authorization: Bearer
//	K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY   false
//	K6_PROMETHEUS_RW_TLS_MINIMUM_VERSION        1.2 or 1.3; 1.3
//	K6_PROMETHEUS_RW_CLIENT_CERTIFICATE, _KEY   PEM files for TLS client authentication
//	K6_PROMETHEUS_RW_STALE_MARKERS              mark every series stale when the run ends; false
//
// K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true and the K6_PROMETHEUS_RW_SIGV4_* settings
// are refused as not supported. Bad settings are reported together, each naming its variable
// and never a secret's value.
//
// # Series
//
// Every series is named k6_ plus the metric's name (characters Prometheus does not allow
// becoming _), with a suffix by type, as in k6's mapping table:
//
//	Counter  k6_NAME_total   the total since the run started
//	Gauge    k6_NAME         the last value
//	Rate     k6_NAME_rate    the share of non-zero samples since the run started
//	Trend    k6_NAME_STAT    one series per statistic: p(99) -> _p99, p(99.9) -> _p999,
//	                         avg -> _avg, and likewise min, med, max, count, sum
//
// Trend statistics are computed over every sample since the run started (count and sum grow
// like counters), from a bounded metrics.TrendSink. Values of time metrics (milliseconds in
// k6) are sent in seconds, Prometheus's base unit, as k6 does. Each sample's tags become
// labels: keys with characters outside [a-zA-Z0-9_] get _ instead (and a leading digit an _
// in front), empty values and a tag named __name__ are left out. All series of one push carry
// the push's time.
//
// # Pushing
//
// AddSamples folds samples into per-series aggregates under a lock held only for that; a
// goroutine swaps them out every push interval and sends, snappy-compressed, a protobuf
// WriteRequest with the series that received samples since the last successful push. A push
// that fails (after retrying 5xx, 429 and network errors within the push timeout, the push
// interval clamped to 1s..30s) is dropped and counted: the first failure is logged, the count
// at Stop. Nothing is lost by a dropped push but resolution: every value is cumulative or a
// last value, and the next push sends the same series again. Start sends an empty write request and fails, naming the URL (without a password),
// when the endpoint cannot be reached or refuses it. Stop pushes what is left, then the stale
// markers when asked.
//
// Each tag key keeps its first 1000 distinct values as label values; later ones are sent as
// "(other)" (one warning names the cap), so a script naming queries after a parameter makes a
// bounded number of series without losing samples. The output tracks at most 10000 series;
// samples of further series are dropped and counted.
package promrw
