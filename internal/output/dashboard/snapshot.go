package dashboard

import (
	"encoding/json"
	"math"
	"strconv"
)

// snapshotVersion changes when Snapshot's JSON changes in a way the page must know about.
const snapshotVersion = 2 // 2: servers (the Server panel) and neo4j (Config.RunInfo)

// Snapshot is what the page draws: the timeline as columns (one array per series, one
// element per bucket) plus the run-wide tables. It is served as JSON at /api/snapshot and
// embedded in the exported report. Times are milliseconds; latencies are in the metric's
// unit (milliseconds); a missing value (a bucket without that query, a gauge never sampled)
// is null.
type Snapshot struct {
	Version int    `json:"version"`
	Title   string `json:"title"`
	// Live is true while the run goes on: the newest bucket is still filling, so the page
	// leaves it out of the charts.
	Live bool `json:"live"`
	// Generated is when the snapshot was taken (Unix ms, wall clock).
	Generated int64 `json:"generated"`
	// Period is one bucket's length before any downsampling.
	Period int64 `json:"period"`
	// Start is the start of the first period (Unix ms, the samples' clock; 0 before the
	// first sample); bucket times are offsets from it.
	Start int64 `json:"start"`
	// Elapsed is from Start to the latest sample; Duration is from the earliest to the
	// latest sample (at least one period), the base of the tables' rates.
	Elapsed  int64 `json:"elapsed"`
	Duration int64 `json:"duration"`

	Buckets    Buckets           `json:"buckets"`
	Names      []NameSeries      `json:"names"`
	Errors     []ErrorSeries     `json:"errors"`
	Totals     Totals            `json:"totals"`
	Queries    []QueryRow        `json:"queries"`
	Checks     []CheckRow        `json:"checks"`
	Thresholds []ThresholdResult `json:"thresholds"`

	// Servers are the Server panel's series, one per server identity (at most maxServers,
	// then "(other)"); absent when no server reading came.
	Servers []ServerSeries `json:"servers,omitempty"`
	// Neo4j is Config.RunInfo's value (the module's RunReport: servers tested, query plans
	// and profiles), its strings with control characters made visible; absent without one.
	Neo4j json.RawMessage `json:"neo4j,omitempty"`
}

// ServerSeries is one server identity's readings over time, aligned with Buckets: each
// gauge is the largest reading in the bucket, null where none came (the sampler reads every
// few seconds, so most buckets of a short period have none).
type ServerSeries struct {
	Identity string `json:"identity"`
	CPU      Nums   `json:"cpu"`      // the server process's CPU load, 0..1
	HeapUsed Nums   `json:"heapUsed"` // bytes
	HeapMax  Nums   `json:"heapMax,omitempty"`
	// Transactions is the number of transactions running on the server.
	Transactions Nums `json:"transactions"`
	// GC is the time spent in garbage collection, in milliseconds per second of wall time
	// over the readings that fell in the bucket.
	GC Nums `json:"gc"`
}

// Buckets is the timeline: bucket i covers [T[i], T[i]+D[i]) ms after Start. Counts are per
// bucket; the page divides by D for rates.
type Buckets struct {
	T          []int64  `json:"t"`
	D          []int64  `json:"d"`
	Queries    []uint64 `json:"queries"`
	Failures   []uint64 `json:"failures"`
	Iterations Nums     `json:"iterations"`
	Dropped    Nums     `json:"dropped"`
	VUs        Nums     `json:"vus"` // the largest value of the vus gauge in the bucket
	ChecksPass []uint64 `json:"checksPass"`
	ChecksFail []uint64 `json:"checksFail"`
}

// NameSeries is one query name over time (all modes together).
type NameSeries struct {
	Name     string   `json:"name"`
	Total    uint64   `json:"total"`
	Count    []uint64 `json:"count"`
	Failures []uint64 `json:"failures"`
	P50      Nums     `json:"p50"`
	P95      Nums     `json:"p95"`
	P99      Nums     `json:"p99"`
}

// ErrorSeries is one error code over time, with the query names that failed with it, most
// failures first. Codes are in the order first seen, so that each keeps its colour on the
// live page.
type ErrorSeries struct {
	Code    string   `json:"code"`
	Total   uint64   `json:"total"`
	Count   []uint64 `json:"count"`
	Queries []string `json:"queries"`
}

// Totals are the whole run's headline numbers.
type Totals struct {
	Queries       uint64  `json:"queries"`
	Failures      uint64  `json:"failures"`
	QueryRate     float64 `json:"queryRate"`
	Iterations    float64 `json:"iterations"`
	IterationRate float64 `json:"iterationRate"`
	Dropped       float64 `json:"dropped"`
	VUs           Num     `json:"vus"` // the latest value
	VUsMax        Num     `json:"vusMax"`
	ChecksPass    uint64  `json:"checksPass"`
	ChecksFail    uint64  `json:"checksFail"`
}

// QueryRow is a row of the per-query table, as the text summary's.
type QueryRow struct {
	Name     string  `json:"name"`
	Mode     string  `json:"mode"`
	Count    uint64  `json:"count"`
	Failures uint64  `json:"failures"`
	Rate     float64 `json:"rate"` // per second over the run
	Avg      float64 `json:"avg"`
	P50      float64 `json:"p50"`
	P95      float64 `json:"p95"`
	P99      float64 `json:"p99"`
	Max      float64 `json:"max"`
}

// CheckRow is one check's tally.
type CheckRow struct {
	Group  string `json:"group"`
	Name   string `json:"name"`
	Passes uint64 `json:"passes"`
	Fails  uint64 `json:"fails"`
	order  int
}

// ThresholdResult is one threshold expression's verdict, as Config.Thresholds reports it.
type ThresholdResult struct {
	// Key is the metric or submetric as configured: "neo4j_query_duration" or
	// "neo4j_query_duration{name:q1}".
	Key string `json:"key"`
	// Source is the expression as written: "p(95)<200".
	Source string `json:"source"`
	Pass   bool   `json:"pass"`
	// Value is the aggregate the expression compared, formatted for people: "p(95)=212ms".
	Value string `json:"value"`
}

// Num is a number that encodes NaN and ±Inf as null (JSON has neither).
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) { return appendNum(nil, float64(n)), nil }

// Nums is a series of numbers; NaN and ±Inf encode as null, the page's "no value here".
type Nums []float64

// MarshalJSON implements json.Marshaler.
func (ns Nums) MarshalJSON() ([]byte, error) {
	if ns == nil {
		return []byte("[]"), nil
	}
	b := make([]byte, 0, 2+len(ns)*6)
	b = append(b, '[')
	for i, v := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNum(b, v)
	}
	return append(b, ']'), nil
}

// appendNum writes v rounded to a thousandth (a microsecond, for latencies), which keeps the
// snapshot small; NaN and ±Inf become null.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if r := math.Round(v*1000) / 1000; !math.IsInf(r, 0) {
		v = r
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}
