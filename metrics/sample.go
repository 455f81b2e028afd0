package metrics

import (
	"context"
	"time"
)

// Sample is one value of one metric, taken at one time, with its tags.
type Sample struct {
	Metric *Metric
	Tags   *TagSet
	Time   time.Time
	Value  float64
	// Metadata goes to outputs with the sample (k6's exec.vu.metrics.metadata) but is not a
	// tag: no submetric or threshold sees it. Shared, never mutated.
	Metadata map[string]string
}

// SampleContainer is what VUs push: one sample or several that belong together.
type SampleContainer interface {
	GetSamples() []Sample
}

// Samples is a plain batch of samples.
type Samples []Sample

// GetSamples implements SampleContainer.
func (s Samples) GetSamples() []Sample { return s }

// GetSamples lets a single Sample be pushed as a container.
func (s Sample) GetSamples() []Sample { return []Sample{s} }

// PushIfNotDone sends c into out unless ctx is done first, so a VU being stopped never blocks
// on a full channel. It reports whether the container was sent.
func PushIfNotDone(ctx context.Context, out chan<- SampleContainer, c SampleContainer) bool {
	select {
	case <-ctx.Done():
		return false
	default:
	}
	select {
	case out <- c:
		return true
	case <-ctx.Done():
		return false
	}
}
