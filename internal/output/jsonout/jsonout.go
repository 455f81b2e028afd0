// Package jsonout is `--out json[=FILE]`: every sample as one line of newline-delimited JSON,
// in the layout k6 documents for its JSON output
// (https://grafana.com/docs/k6/latest/results-output/real-time/json/).
//
// # Format
//
// The first time a metric is seen, a line describes it; then each sample is a Point line:
//
//	{"type":"Metric","data":{"name":"neo4j_query_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":null},"metric":"neo4j_query_duration"}
//	{"metric":"neo4j_query_duration","type":"Point","data":{"time":"2025-01-02T03:04:05.123456789Z","value":1.5,"tags":{"mode":"read","name":"q1"}}}
//
// The two kinds order their keys differently, as k6 writes them: a Metric line type, data,
// metric; a Point line metric, type, data.
// "thresholds" lists the sources of the thresholds set on the metric itself ([] when there are
// none); "submetrics" lists, for every threshold key with a tag selector on this metric,
// {"name":"metric{tag:value}","suffix":"tag:value","tags":{"tag":"value"}} (null when there are
// none). "time" is RFC 3339 with nanoseconds (trailing zeros dropped) in the sample's zone,
// "value" is a JSON number (null for NaN and ±Inf, which JSON cannot hold), "tags" is an
// object sorted by key, or null for a sample without tags.
//
// A run that tested Neo4j servers also writes one line per server (identity and database)
// it reached, before any Metric or Point line for the servers known when the output starts
// (those connected in init), and as soon as it is learned for a later one:
//
//	{"type":"Server","data":{"identity":"neo4j@127.0.0.1:7687","address":"127.0.0.1:7687","agent":"Neo4j/2026.08.1",...},"tags":{"env":"staging"}}
//
// "data" is the server as handleSummary's data.neo4j.servers has it; "tags", when the run has
// any (--tag, options.tags), are the run's own tags, so that two files say what they compare.
// Readers of k6's format that switch on "type" skip the line; it has no "metric" key.
//
// # Destination
//
// The argument is a file path; "" or "-" is the process's stdout. A path ending in ".gz" is
// gzip-compressed. The file is created (truncated) by Start, which fails, naming the path, when
// it cannot be.
//
// # Concurrency
//
// The file is written by package filewriter: AddSamples may be called from any number of
// goroutines and hands the batch to a goroutine that owns the file through a bounded channel;
// when that channel is full it waits at most a short while (a local file applies
// backpressure), then drops the batch, counts it and warns. Lines are written out every
// second; Stop drains the channel, flushes, closes the gzip stream and the file, and the file
// ends on a complete line.
package jsonout

import (
	"bufio"
	"encoding/json"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/filewriter"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

var _ output.Output = (*Output)(nil)

const flushInterval = time.Second // so `tail -f` sees lines while the test runs

// Output writes NDJSON. Make it with New.
type Output struct {
	*filewriter.Writer
	enc     *encoder
	runTags map[string]string

	mu      sync.Mutex
	started bool
}

// New makes the output from `--out json[=ARG]`. It opens nothing: Start does.
func New(p output.Params) (output.Output, error) {
	return newOutput(p), nil
}

// newOutput makes the output; tune, for tests, adjusts the writer's settings.
func newOutput(p output.Params, tune ...func(*filewriter.Config)) *Output {
	enc := newEncoder(p.Thresholds)
	c := filewriter.Config{
		Name:          "json",
		Path:          p.Arg,
		Stdout:        p.Stdout,
		Logger:        p.Logger,
		Encode:        enc.write,
		FlushInterval: flushInterval,
	}
	for _, f := range tune {
		f(&c)
	}
	return &Output{Writer: filewriter.New(c), enc: enc, runTags: p.Tags}
}

// serverMark is the metric of the empty sample that makes the writer goroutine write the
// Server lines waiting in the encoder, when no other sample comes to carry them.
var serverMark = &metrics.Metric{Name: "(server lines)"}

// Start opens the file and writes the Server lines added so far, before any sample.
func (o *Output) Start() error {
	if err := o.Writer.Start(); err != nil {
		return err
	}
	o.mu.Lock()
	o.started = true
	o.mu.Unlock()
	if o.enc.anyPending.Load() {
		// The engine hands samples over only after Start returns: this comes first.
		o.Writer.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: serverMark}})
	}
	return nil
}

// AddServer writes a Server line for server (JSON-marshalled as the line's "data"): first
// in the file when called before Start, else before the next sample (at once if none
// comes). A server that cannot be marshalled is left out.
func (o *Output) AddServer(server any) {
	line := struct {
		Type string            `json:"type"`
		Data any               `json:"data"`
		Tags map[string]string `json:"tags,omitempty"`
	}{"Server", server, o.runTags}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	o.enc.addPending(append(b, '\n'))
	o.mu.Lock()
	started := o.started
	o.mu.Unlock()
	if started {
		o.Writer.AddSamples([]metrics.SampleContainer{metrics.Sample{Metric: serverMark}})
	}
}

// write writes the sample's Point line, preceded by its metric's Metric line the first time
// the metric is seen, and by the Server lines added since the last sample.
func (e *encoder) write(w *bufio.Writer, s *metrics.Sample) error {
	if e.anyPending.Load() {
		for _, line := range e.takePending() {
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
	}
	if s.Metric == serverMark {
		return nil
	}
	if line := e.metricLine(s.Metric); line != nil {
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	e.buf = e.appendPoint(e.buf[:0], s)
	_, err := w.Write(e.buf)
	return err
}
