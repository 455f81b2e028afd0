package jsonout

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// BenchmarkJSONAddSamples measures a sample from AddSamples to the file, the writer
// goroutine's work included: the timer runs until Stop has flushed and closed the file.
// ns/sample is the figure to compare; allocs/op counts allocations per batch of 100.
func BenchmarkJSONAddSamples(b *testing.B) {
	for _, name := range []string{"out.json", "out.json.gz"} {
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			const perBatch = 100
			batch := make([]metrics.SampleContainer, 0, perBatch)
			for i := range perBatch {
				batch = append(batch, f.sample(i+1))
			}
			o := newOutput(output.Params{Arg: filepath.Join(b.TempDir(), name)})
			o.addTimeout = time.Minute // measure throughput, not drops
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

// BenchmarkJSONEncodePoint is the line encoding alone.
func BenchmarkJSONEncodePoint(b *testing.B) {
	f := newFixture(b)
	s := f.sample(1)
	s.Tags = s.Tags.With("identity", "neo4j@127.0.0.1:7687").With("status", "ok")
	e := newEncoder(nil)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for i := range b.N {
		s.Value = float64(i) + 0.123
		buf = e.appendPoint(buf[:0], &s)
	}
	b.SetBytes(int64(len(buf)))
}
