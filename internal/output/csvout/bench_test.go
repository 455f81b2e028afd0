package csvout

import (
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/filewriter"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
)

// BenchmarkCSVAddSamples measures a sample from AddSamples to the file, the writer
// goroutine's work included: the timer runs until Stop has flushed and closed the file.
// ns/sample is the figure to compare; allocs/op counts allocations per batch of 100.
func BenchmarkCSVAddSamples(b *testing.B) {
	f := newFixture(b)
	outputtest.BenchmarkAddSamples(b, []string{"out.csv", "out.csv.gz"}, f.Sample, func(path string) output.Output {
		o, err := newOutput(output.Params{Arg: path}, func(c *filewriter.Config) {
			c.AddTimeout = time.Minute // measure throughput, not drops
		})
		if err != nil {
			b.Fatal(err)
		}
		return o
	})
}

// BenchmarkCSVEncodeRow is the row encoding alone.
func BenchmarkCSVEncodeRow(b *testing.B) {
	f := newFixture(b)
	s := f.Sample(1)
	s.Tags = s.Tags.With("identity", "neo4j@127.0.0.1:7687")
	e := newEncoder(Unix)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for i := range b.N {
		s.Value = float64(i) + 0.123
		buf = e.appendRow(buf[:0], &s)
	}
	b.SetBytes(int64(len(buf)))
}
