package dashboard

import (
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// BenchmarkDashboardAddSamples measures AddSamples on batches shaped like the engine's: each
// iteration's queries (four samples each, three names), a check and the iteration, with the
// samples' times advancing through the run so that buckets open and, past MaxBuckets,
// merge. ns/sample is the figure to compare; allocs/op is per batch of 100 samples (a new
// period's bucket allocates, nothing else does).
func BenchmarkDashboardAddSamples(b *testing.B) {
	r := newRun(b)
	c := NewConfig()
	c.Port = NoServer
	o, err := NewOutput(c)
	if err != nil {
		b.Fatal(err)
	}
	// 100 batches of 100 samples, each 100 ms after the one before: ten seconds of a run at
	// 1,800 queries a second. Every 100 batches the next ten seconds are made, off the clock.
	const nBatches = 100
	makeBatches := func(from time.Duration) (out [][]metrics.SampleContainer, perBatch int) {
		for i := range nBatches {
			at := base.Add(from + time.Duration(i)*100*time.Millisecond)
			var bt []metrics.SampleContainer
			for j := range 6 {
				t := at.Add(time.Duration(j) * time.Millisecond)
				code := ""
				if (i+j)%20 == 0 {
					code = "Neo.TransientError.General.DatabaseUnavailable"
				}
				bt = append(bt,
					r.query(t, "person-by-id", "read", 2+float64(j), ""),
					r.query(t, "fulltext-search", "read", 15+float64(i%10), code),
					r.query(t, "create-person", "write", 7, ""),
					r.check(t, "found the person", code == ""),
					r.iteration(t),
				)
			}
			out = append(out, bt)
		}
		for _, sc := range out[0] {
			perBatch += len(sc.GetSamples())
		}
		return out, perBatch
	}
	batches, perBatch := makeBatches(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%nBatches == 0 && i > 0 {
			b.StopTimer()
			batches, _ = makeBatches(time.Duration(i/nBatches) * 10 * time.Second)
			b.StartTimer()
		}
		o.AddSamples(batches[i%nBatches])
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perBatch), "ns/sample")
}

// BenchmarkDashboardSnapshot is the work under the lock when the page polls: copying a full
// timeline (600 buckets, three names) out.
func BenchmarkDashboardSnapshot(b *testing.B) {
	r := newRun(b)
	a := newAggregator(time.Second, 600, 20)
	for _, batch := range r.loadRun(900) {
		addAll(a, batch...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		a.snapshot()
	}
}
