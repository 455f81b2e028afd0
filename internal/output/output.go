// Package output is how a run's samples leave the process: `--out NAME[=ARG]` picks outputs
// (json, csv, experimental-prometheus-rw, ...) that receive every sample the engine ingests.
//
// An output cannot stall the VUs: the engine calls AddSamples from a goroutine of the
// output's own, through a bounded queue, and drops (and counts) what that queue cannot hold.
// AddSamples should still return quickly (buffer, drop and count when the far end is slow),
// or the output loses samples. Stop flushes what is
// buffered and ends files on a complete line; it is called once, after the last sample.
package output

import (
	"io"
	"log/slog"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Output receives the run's samples.
type Output interface {
	// Description is shown in the run's banner, e.g. "json (results.json.gz)".
	Description() string
	// Start is called before the first sample; an unreachable endpoint is an error here.
	Start() error
	// AddSamples takes a batch; it must not block for long.
	AddSamples(batch []metrics.SampleContainer)
	// Stop flushes and closes; it is called once, after the last AddSamples.
	Stop() error
}

// Params is what an output is made from.
type Params struct {
	// Arg is what follows NAME= in --out NAME=ARG ("" when there is none).
	Arg string
	// Env is the process environment (K6_* settings).
	Env    map[string]string
	Stdout io.Writer
	Logger *slog.Logger
	// Thresholds are the threshold expressions by key as configured ("metric" or
	// "metric{tag:value}"), for outputs that describe metrics (k6's JSON output lists them
	// in each metric's first line, and selectors as submetrics).
	Thresholds map[string][]string
	// Tags are the run's --tag / options.tags, for outputs that label everything.
	Tags map[string]string
}

// Constructor makes an output.
type Constructor func(Params) (Output, error)
