package locust

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The neo4j module's metrics this consumer reads (see the design's metrics table).
const (
	metricQueryDuration = "neo4j_query_duration"
	metricRecords       = "neo4j_records"
)

// ExceptionMethod is the method of the failures-table rows that count script exceptions;
// their name is the Locust user class whose iteration threw.
const ExceptionMethod = "exception"

// SampleConsumer turns a run's samples into Locust requests in Stats: every
// neo4j_query_duration sample is one request (method = its mode tag, name = its name tag,
// response time = its value in ms); a failed one (status other than ok) fails with its
// error_code tag (the Neo4j code, such as Neo.ClientError.Statement.SyntaxError) as the
// error. The same query's neo4j_records sample adds its record count as the request's
// content length. It implements the engine's Output interface.
type SampleConsumer struct {
	Stats *Stats
	// In is where the run's VUs push samples; Flush sends a marker through it.
	In chan<- metrics.SampleContainer

	mu      sync.Mutex
	waiting map[*flushMarker]chan struct{}
}

// flushMarker travels through the engine behind every sample pushed before it.
type flushMarker struct{}

func (*flushMarker) GetSamples() []metrics.Sample { return nil }

// AddSamples implements the engine's Output.
func (c *SampleConsumer) AddSamples(batch []metrics.SampleContainer) {
	for _, sc := range batch {
		if m, ok := sc.(*flushMarker); ok {
			c.release(m)
			continue
		}
		c.addContainer(sc.GetSamples())
	}
}

// addContainer counts the queries in one container. A query's samples travel together in
// one container, so its record count joins its request in the same report.
func (c *SampleConsumer) addContainer(samples []metrics.Sample) {
	queries, records := 0, 0.0
	for i := range samples {
		switch samples[i].Metric.Name {
		case metricQueryDuration:
			queries++
		case metricRecords:
			records += samples[i].Value
		}
	}
	if queries == 0 {
		return
	}
	for _, s := range samples {
		if s.Metric.Name != metricQueryDuration {
			continue
		}
		var size int64
		if queries == 1 {
			size = int64(records)
		}
		mode, _ := s.Tags.Get("mode")
		name, _ := s.Tags.Get("name")
		failure := ""
		if st, _ := s.Tags.Get("status"); st != "ok" {
			failure, _ = s.Tags.Get("error_code")
			if failure == "" {
				failure = "error"
			}
		}
		c.Stats.Request(mode, name, s.Value, size, s.Time, failure)
	}
}

// Flush returns once every sample pushed into In before the call has been counted in
// Stats, so a report taken afterwards holds them all. The engine must be running.
func (c *SampleConsumer) Flush(ctx context.Context) error {
	m := &flushMarker{}
	done := make(chan struct{})
	c.mu.Lock()
	if c.waiting == nil {
		c.waiting = map[*flushMarker]chan struct{}{}
	}
	c.waiting[m] = done
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiting, m)
		c.mu.Unlock()
	}()
	select {
	case c.In <- m:
	case <-ctx.Done():
		return fmt.Errorf("flushing samples into the Locust stats: %w", ctx.Err())
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flushing samples into the Locust stats: %w", ctx.Err())
	}
}

func (c *SampleConsumer) release(m *flushMarker) {
	c.mu.Lock()
	if done, ok := c.waiting[m]; ok {
		close(done)
		delete(c.waiting, m)
	}
	c.mu.Unlock()
}

// ScriptException counts one exception a user class's iteration threw, as an error row
// (method "exception", name = the class, error = the exception's first line).
func (s *Stats) ScriptException(class, msg string, t time.Time) {
	s.Error(ExceptionMethod, class, msg, t, 1)
}
