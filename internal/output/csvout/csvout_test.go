package csvout

import (
	"bytes"
	"encoding/csv"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// newFixture's samples are a millisecond apart (their values, i + 0.5, are exact with six
// decimals); but for one in ten, they have tags that mix column tags and extra tags.
func newFixture(t testing.TB) outputtest.Fixture {
	return outputtest.NewFixture(t, time.Millisecond, func(i int) map[string]string {
		return map[string]string{
			"mode":     []string{"read", "write", "auto"}[i%3],
			"name":     "q" + strconv.Itoa(i%7),
			"db":       "neo4j",
			"scenario": "default",
			"status":   []string{"ok", "error"}[i%2],
		}
	})
}

func start(t testing.TB, p output.Params) *Output {
	t.Helper()
	o, err := newOutput(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	return o
}

// checkFile reads the whole file with encoding/csv and checks it is the header and then
// samples [0, n) of f exactly once, each with its metric, time, value and tags.
func checkFile(t *testing.T, content []byte, f outputtest.Fixture, n int) {
	t.Helper()
	if !bytes.HasPrefix(content, []byte(Header)) {
		t.Fatalf("the file does not start with the header: %q", content[:min(len(content), 200)])
	}
	if content[len(content)-1] != '\n' {
		t.Fatalf("the file does not end on a complete row: ...%q", content[max(0, len(content)-80):])
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = 19
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	if got := len(rows) - 1; got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	seen := make([]bool, n)
	for ln, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[col("metric_value")], 64)
		if err != nil {
			t.Fatal(err)
		}
		i := int(v)
		if i < 0 || i >= n || v != float64(i)+0.5 || seen[i] {
			t.Fatalf("row %d: value %v is no sample of the test, or a repeated one", ln+2, v)
		}
		seen[i] = true
		want := f.Sample(i)
		if row[col("metric_name")] != want.Metric.Name {
			t.Fatalf("row %d: metric %s, want %s", ln+2, row[0], want.Metric.Name)
		}
		if ts := row[col("timestamp")]; ts != strconv.FormatInt(want.Time.Unix(), 10) {
			t.Fatalf("row %d: timestamp %s, want %d", ln+2, ts, want.Time.Unix())
		}
		got := map[string]string{}
		for _, c := range tagColumns {
			if v := row[col(c)]; v != "" {
				got[c] = v
			}
		}
		if extra := row[col("extra_tags")]; extra != "" {
			for kv := range strings.SplitSeq(extra, "&") {
				k, v, _ := strings.Cut(kv, "=")
				got[k] = v
			}
		}
		if wt := want.Tags.Map(); !maps.Equal(got, wt) {
			t.Fatalf("row %d: tags %v, want %v", ln+2, got, wt)
		}
		if row[col("metadata")] != "" {
			t.Fatalf("row %d: metadata %q", ln+2, row[col("metadata")])
		}
	}
}

func TestEverySampleOnce(t *testing.T) {
	for _, name := range []string{"out.csv", "out.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			const n = 5000
			for _, b := range f.Batches(0, n) {
				o.AddSamples(b)
			}
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			checkFile(t, outputtest.ReadFile(t, path), f, n)
		})
	}
}

func TestTimeFormatFromEnv(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.FixedZone("", -5*3600))
	for format, want := range map[string]string{
		"unix":         "1741082767",
		"unix_milli":   "1741082767891",
		"unix_micro":   "1741082767891234",
		"unix_nano":    "1741082767891234567",
		"rfc3339":      "2025-03-04T05:06:07-05:00",
		"rfc3339_nano": "2025-03-04T05:06:07.891234567-05:00",
	} {
		t.Run(format, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), "out.csv")
			o := start(t, output.Params{Arg: path, Env: map[string]string{"K6_CSV_TIME_FORMAT": format}})
			o.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: f.Metrics[0], Time: at, Value: 1}})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(outputtest.ReadFile(t, path))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := rows[1][1]; got != want {
				t.Fatalf("timestamp %q, want %q", got, want)
			}
		})
	}
}

func TestSettingsInTheArgument(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "a=b.csv.gz")
	o := start(t, output.Params{Arg: "fileName=" + path + ",timeFormat=unix_milli,saveInterval=10ms"})
	if o.Description() != "csv ("+path+")" {
		t.Fatalf("Description() = %q", o.Description())
	}
	o.AddSamples([]metrics.SampleContainer{f.Sample(3)})
	time.Sleep(50 * time.Millisecond) // a few save intervals
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	want := Header + "vus,1741064767003,3.500000,,,,,,,q3,,default,,error,,,,db=neo4j&mode=read,\n"
	if got := string(outputtest.ReadFile(t, path)); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestSaveIntervalWritesWhileRunning(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	o := start(t, output.Params{Arg: path, Env: map[string]string{"K6_CSV_SAVE_INTERVAL": "20ms"}})
	defer o.Stop()
	o.AddSamples([]metrics.SampleContainer{f.Sample(1)})
	deadline := time.Now().Add(5 * time.Second)
	for {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(raw, []byte("\n")) == 2 {
			return // header and the row, before Stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5s the file holds %q", raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStdout(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	o := start(t, output.Params{Arg: "-", Stdout: &out})
	if got := o.Description(); got != "csv (stdout)" {
		t.Fatalf("Description() = %q", got)
	}
	for _, b := range f.Batches(0, 100) {
		o.AddSamples(b)
	}
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, out.Bytes(), f, 100)
}

func TestDefaultFileName(t *testing.T) {
	o, err := New(output.Params{})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); got != "csv (file.csv)" {
		t.Fatalf("Description() = %q", got)
	}
}

func TestEmptyRunLeavesTheHeader(t *testing.T) {
	for _, name := range []string{"out.csv", "out.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			o := start(t, output.Params{Arg: path})
			if err := o.Stop(); err != nil {
				t.Fatal(err)
			}
			if got := string(outputtest.ReadFile(t, path)); got != Header {
				t.Fatalf("content %q", got)
			}
		})
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	_, err := New(output.Params{Arg: "x.csv", Env: map[string]string{"K6_CSV_TIME_FORMAT": "iso8601"}})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("New() = %v, want ErrInvalidConfig", err)
	}
}
