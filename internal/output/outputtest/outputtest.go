// Package outputtest holds what the tests of the file outputs share: the samples they write, cut
// into batches of mixed container kinds, reading a possibly gzipped file, and the AddSamples
// benchmark.
package outputtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Metrics is a registry with one metric of each type, as the neo4j module and the host make:
// neo4j_query_duration (trend of time), neo4j_queries (counter), neo4j_query_failed (rate)
// and vus (gauge).
func Metrics(t testing.TB) []*metrics.Metric {
	t.Helper()
	r := metrics.NewRegistry()
	mk := func(name string, typ metrics.MetricType, vt metrics.ValueType) *metrics.Metric {
		m, err := r.NewMetric(name, typ, vt)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	return []*metrics.Metric{
		mk("neo4j_query_duration", metrics.Trend, metrics.Time),
		mk("neo4j_queries", metrics.Counter, metrics.Default),
		mk("neo4j_query_failed", metrics.Rate, metrics.Default),
		mk("vus", metrics.Gauge, metrics.Default),
	}
}

// Fixture makes the tests' samples. Sample i is of metric i mod 4 of Metrics, at Base plus i
// times Step, with the value i + 0.5, which no other sample has, so it can be found in the
// file; one sample in ten has no tags, the others have Tags(i).
type Fixture struct {
	Metrics []*metrics.Metric
	Step    time.Duration
	Tags    func(i int) map[string]string
}

// Base is the time of sample 0.
var Base = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// NewFixture makes a fixture over Metrics.
func NewFixture(t testing.TB, step time.Duration, tags func(i int) map[string]string) Fixture {
	t.Helper()
	return Fixture{Metrics: Metrics(t), Step: step, Tags: tags}
}

// Sample is sample i.
func (f Fixture) Sample(i int) metrics.Sample {
	s := metrics.Sample{
		Metric: f.Metrics[i%len(f.Metrics)],
		Time:   Base.Add(time.Duration(i) * f.Step),
		Value:  float64(i) + 0.5,
	}
	if i%10 != 0 {
		s.Tags = metrics.NewTagSet(f.Tags(i))
	}
	return s
}

// Batches cuts samples [from, to) into batches of mixed container kinds.
func (f Fixture) Batches(from, to int) [][]metrics.SampleContainer {
	return Batches(from, to, f.Sample)
}

// Batches cuts samples [from, to) into batches of mixed container kinds: lone Samples and
// Samples of up to 4, 16 containers a batch.
func Batches(from, to int, sample func(int) metrics.Sample) [][]metrics.SampleContainer {
	var out [][]metrics.SampleContainer
	var cur []metrics.SampleContainer
	for i := from; i < to; {
		switch i % 3 {
		case 0: // a lone Sample
			cur = append(cur, sample(i))
			i++
		default: // a Samples of up to 4
			var ss metrics.Samples
			for j := 0; j < 4 && i < to; j++ {
				ss = append(ss, sample(i))
				i++
			}
			cur = append(cur, ss)
		}
		if len(cur) == 16 {
			out = append(out, cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// ReadFile returns the file's content, gunzipped when the name ends in .gz (reading the gzip
// stream to its end checks its trailer, so a stream that was not closed fails here).
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return raw
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s is not gzip: %v", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: gzip stream: %v", path, err)
	}
	return out
}

// BenchmarkAddSamples measures a sample from AddSamples to the file, the writer goroutine's
// work included: the timer runs until Stop has flushed and closed the file. It runs once per
// file name, with batches of samples 1 to 100 of sample; open makes the output for a path
// (it should wait for room rather than drop: throughput is measured, not drops). ns/sample
// is the figure to compare; allocs/op counts allocations per batch of 100.
func BenchmarkAddSamples(b *testing.B, names []string, sample func(int) metrics.Sample, open func(path string) output.Output) {
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			const perBatch = 100
			batch := make([]metrics.SampleContainer, 0, perBatch)
			for i := range perBatch {
				batch = append(batch, sample(i+1))
			}
			o := open(filepath.Join(b.TempDir(), name))
			if err := o.Start(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				o.AddSamples(batch)
			}
			if err := o.Stop(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perBatch), "ns/sample")
		})
	}
}
