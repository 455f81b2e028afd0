// Package csvout is `--out csv[=ARG]`: every sample as one CSV row, in the layout k6 writes
// (https://grafana.com/docs/k6/latest/results-output/real-time/csv/):
//
//	metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
//	neo4j_query_duration,1741064767,1.500000,,,,,,,q1,,default,,ok,,,,db=neo4j&mode=read,
//
// The value has six decimals. Tags with a column of their own fill it; the others go to
// extra_tags as `k=v&k2=v2`, in key order. The metadata column is always empty: our samples
// carry none. Fields are quoted as encoding/csv quotes them.
//
// # Settings
//
// k6's three, from the environment and then the argument (which wins):
//
//	fileName      K6_CSV_FILENAME       default file.csv; "-" is stdout; ".gz" gzips
//	saveInterval  K6_CSV_SAVE_INTERVAL  default 1s; "1m45s" or a number of milliseconds
//	timeFormat    K6_CSV_TIME_FORMAT    unix (default), unix_milli, unix_micro, unix_nano, rfc3339, rfc3339_nano
//
// The argument is a file name (`--out csv=results.csv.gz`) or settings
// (`--out csv=fileName=results.csv,timeFormat=rfc3339`). See ParseConfig.
//
// # Concurrency
//
// As for the JSON output, the file is written by package filewriter: AddSamples may be called
// from any number of goroutines and hands batches to the goroutine that owns the file through
// a bounded channel, waiting at most a short while when it is full (then dropping, counting
// and warning). Rows are written out every saveInterval; Stop drains, flushes and closes, and
// the file ends on a complete row. Start writes the header, so even a run without samples
// leaves a valid file.
package csvout

import (
	"bufio"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/filewriter"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

var _ output.Output = (*Output)(nil)

// Output writes CSV. Make it with New.
type Output struct {
	*filewriter.Writer
}

// New makes the output from `--out csv[=ARG]` and the K6_CSV_* environment; bad settings are
// an error wrapping ErrInvalidConfig. It opens nothing: Start does.
func New(p output.Params) (output.Output, error) {
	o, err := newOutput(p)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// newOutput makes the output; tune, for tests, adjusts the writer's settings.
func newOutput(p output.Params, tune ...func(*filewriter.Config)) (*Output, error) {
	cfg, err := ParseConfig(p.Arg, p.Env)
	if err != nil {
		return nil, err
	}
	enc := newEncoder(cfg.TimeFormat)
	c := filewriter.Config{
		Name:          "csv",
		Path:          cfg.FileName,
		Stdout:        p.Stdout,
		Logger:        p.Logger,
		Header:        Header,
		Encode:        enc.write,
		FlushInterval: cfg.SaveInterval,
	}
	for _, f := range tune {
		f(&c)
	}
	return &Output{filewriter.New(c)}, nil
}

// write writes the sample's row.
func (e *encoder) write(w *bufio.Writer, s *metrics.Sample) error {
	e.buf = e.appendRow(e.buf[:0], s)
	_, err := w.Write(e.buf)
	return err
}
