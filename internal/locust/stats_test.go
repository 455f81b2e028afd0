package locust

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func at(sec float64) time.Time {
	s, frac := math.Modf(sec)
	return time.Unix(int64(s), int64(math.Round(frac*1e9)))
}

func fixedClock(sec float64) func() time.Time { return func() time.Time { return at(sec) } }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// Expected keys from Locust 2.47's StatsEntry._log_response_time for the same inputs.
func TestResponseTimeBucket(t *testing.T) {
	for _, c := range []struct {
		ms   float64
		want int64
	}{
		{0, 0}, {0.4, 0}, {0.5, 0}, {1.5, 2}, {2.5, 2}, {99.4, 99}, {99.5, 100}, {99.6, 100},
		{100, 100}, {104.9, 100}, {105, 100}, {115, 120}, {125, 120}, {135, 140},
		{124.99999999999999, 120}, {999.4, 1000}, {995, 1000}, {985, 980},
		{1000, 1000}, {1049, 1000}, {1050, 1000}, {1150, 1200}, {1250, 1200}, {9949, 9900},
		{9950, 10000}, {9999, 10000}, {10000, 10000}, {10499, 10000}, {10500, 10000},
		{11500, 12000}, {12500, 12000}, {123456.7, 123000},
		{-3, 0}, {math.NaN(), 0},
	} {
		if got := ResponseTimeBucket(c.ms); got != c.want {
			t.Errorf("ResponseTimeBucket(%v) = %d, want %d", c.ms, got, c.want)
		}
	}
}

func FuzzResponseTimeBucket(f *testing.F) {
	for _, v := range []float64{0, 0.5, 99.5, 125, 995, 1050, 9950, 10500, 123456.7} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, ms float64) {
		if math.IsInf(ms, 0) || ms > 1e15 {
			return
		}
		b := ResponseTimeBucket(ms)
		if ms <= 0 || math.IsNaN(ms) {
			if b != 0 {
				t.Fatalf("%v -> %d", ms, b)
			}
			return
		}
		unit := int64(1)
		switch {
		case ms >= 10000:
			unit = 1000
		case ms >= 1000:
			unit = 100
		case ms >= 100:
			unit = 10
		}
		if b%unit != 0 || math.Abs(float64(b)-ms) > float64(unit)/2 {
			t.Fatalf("%v -> %d (unit %d)", ms, b, unit)
		}
	})
}

// Keys from Locust 2.47's StatsError.create_key("read", "q", err).
func TestErrorKeyMatchesLocust(t *testing.T) {
	for err, key := range map[string]string{
		"Neo.ClientError.Statement.SyntaxError": "4ad374cbc38b98fdaf2e457c608afae2cad7150b92ec671915e881ca6a82dae7",
		"it's":                                  "9fd0c75b58a43f4f2e446689b885a039f6c70bba67a03822e5b3f43998e0b1da",
		`say "hi"`:                              "3d157c950bcf34e4d823b6931461ceb74a281c571b4d09c26895e4fd9de4e89f",
		`both ' and "`:                          "817ed61e8dd220a79dd81fd14c59631644a47e050ca5da07f9e5b00dc325dc26",
		"tab\there\nnl\\":                       "601a50b665310cd82d4a91a36bff06bff26bdef3d8f403e2140f4500db512124",
		"é ünï 日本":                              "ee50fee4c3fd35d5a01f2100fc0c683e0ba677aa7718cfc62025bc61ca0288dc",
		"\x00\x7f\u00a0\u00ad":                  "de09ccc2068629ed756e6b9ad7293523b529451962ac980e6988041df52d3dc0",
		"\u200b":                                "07154aa1bc5b308ed9d34d932c5e5720089a0f4d33f3530c312641b0e05255dc",
		"\U0001F600":                            "48ae7bf424aff2e64fd4e1cc85cb1b8d31a257502405a5bdc910a55bf41ff9ea",
		"\U000E0001":                            "0c3e0345b7137fcb94b751a682fdc9644999d588d81778f8952143f454856aeb",
	} {
		if got := ErrorKey("read", "q", err); got != key {
			t.Errorf("ErrorKey(%q) = %s (repr %s), want %s", err, got, pyRepr(err), key)
		}
	}
}

func TestStatsAggregation(t *testing.T) {
	st := NewStats(fixedClock(1000))
	st.Request("read", "a", 10.4, 2, at(1000.5), "")
	st.Request("read", "a", 150, 1, at(1001.1), "")
	st.Request("read", "a", 5, 0, at(1001.9), "Neo.ClientError.Statement.SyntaxError")
	st.Request("write", "a", 1234, 0, at(1001.2), "")
	st.ScriptException("ReadUser", "Error: boom at x.js:3:9", at(1002))
	st.ScriptException("ReadUser", "Error: boom at x.js:3:9", at(1003))

	r := st.Take()
	if len(r.Entries) != 2 {
		t.Fatalf("%d entries, want read a and write a", len(r.Entries))
	}
	a := r.Entries[0]
	if a.Name != "a" || a.Method != "read" {
		t.Fatalf("first entry %s %s", a.Method, a.Name)
	}
	if a.NumRequests != 3 || a.NumFailures != 1 || a.NumNoneRequests != 0 {
		t.Fatalf("counts %d requests %d failures", a.NumRequests, a.NumFailures)
	}
	if a.TotalResponseTime != 165.4 || a.MaxResponseTime != 150 || *a.MinResponseTime != 5 {
		t.Fatalf("times total %v max %v min %v", a.TotalResponseTime, a.MaxResponseTime, *a.MinResponseTime)
	}
	if a.TotalContentLength != 3 {
		t.Fatalf("content length %d", a.TotalContentLength)
	}
	if want := map[int64]int64{10: 1, 150: 1, 5: 1}; !equalMaps(a.ResponseTimes, want) {
		t.Fatalf("response_times %v, want %v", a.ResponseTimes, want)
	}
	if want := map[int64]int64{1000: 1, 1001: 2}; !equalMaps(a.NumReqsPerSec, want) {
		t.Fatalf("num_reqs_per_sec %v", a.NumReqsPerSec)
	}
	if want := map[int64]int64{1001: 1}; !equalMaps(a.NumFailPerSec, want) {
		t.Fatalf("num_fail_per_sec %v", a.NumFailPerSec)
	}
	if *a.LastRequestTimestamp != 1001.9 || a.StartTime != 1000 {
		t.Fatalf("last %v start %v", *a.LastRequestTimestamp, a.StartTime)
	}
	tot := r.Total
	if tot.Name != TotalName || tot.NumRequests != 4 || tot.NumFailures != 1 || tot.ResponseTimes[1200] != 1 {
		t.Fatalf("total %+v", tot)
	}
	if len(r.Errors) != 2 {
		t.Fatalf("errors %v", r.Errors)
	}
	q := r.Errors[ErrorKey("read", "a", "Neo.ClientError.Statement.SyntaxError")]
	if q == nil || q.Occurrences != 1 || q.Method != "read" || q.Name != "a" {
		t.Fatalf("query failure row %+v", q)
	}
	ex := r.Errors[ErrorKey(ExceptionMethod, "ReadUser", "Error: boom at x.js:3:9")]
	if ex == nil || ex.Occurrences != 2 || ex.FirstSeen != 1002 || ex.LastSeen != 1003 {
		t.Fatalf("exception row %+v", ex)
	}

	// A report is a delta: the next one starts from nothing.
	r2 := st.Take()
	if len(r2.Entries) != 0 || r2.Total.NumRequests != 0 || len(r2.Errors) != 0 || r2.Total.MinResponseTime != nil {
		t.Fatalf("second report not empty: %+v", r2)
	}
	if r2.Total.LastRequestTimestamp != nil {
		t.Fatal("an empty report has a last request")
	}
}

func equalMaps(a, b map[int64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Requests logged from many goroutines while reports are taken: nothing lost, nothing
// counted twice.
func TestStatsConcurrentTakes(t *testing.T) {
	st := NewStats(nil)
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				fail := ""
				if i%10 == 0 {
					fail = "boom"
				}
				st.Request("read", "q", float64(i%300), 1, time.Now(), fail)
			}
		}()
	}
	var total, failures, errs int64
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	take := func() {
		r := st.Take()
		total += r.Total.NumRequests
		failures += r.Total.NumFailures
		for _, e := range r.Errors {
			errs += e.Occurrences
		}
		var rows int64
		for _, e := range r.Entries {
			rows += e.NumRequests
		}
		if rows != r.Total.NumRequests {
			t.Errorf("rows %d, total %d", rows, r.Total.NumRequests)
		}
	}
	for {
		select {
		case <-done:
			take()
			if total != goroutines*each || failures != goroutines*each/10 || errs != failures {
				t.Fatalf("counted %d requests %d failures %d errors", total, failures, errs)
			}
			return
		default:
			take()
			time.Sleep(time.Millisecond)
		}
	}
}

func TestSampleConsumer(t *testing.T) {
	reg := metrics.NewRegistry()
	dur, _ := reg.NewMetric("neo4j_query_duration", metrics.Trend, metrics.Time)
	recs, _ := reg.NewMetric("neo4j_records", metrics.Counter)
	queries, _ := reg.NewMetric("neo4j_queries", metrics.Counter)
	other, _ := reg.NewMetric("iterations", metrics.Counter)
	ok := metrics.NewTagSet(map[string]string{"mode": "read", "name": "person-by-id", "status": "ok"})
	bad := metrics.NewTagSet(map[string]string{"mode": "write", "name": "oops", "status": "error", "error_code": "Neo.ClientError.Statement.SyntaxError"})
	now := time.Now()
	query := func(tags *metrics.TagSet, ms, records float64) metrics.SampleContainer {
		return metrics.Samples{
			{Metric: dur, Tags: tags, Time: now, Value: ms},
			{Metric: queries, Tags: tags, Time: now, Value: 1},
			{Metric: recs, Tags: tags, Time: now, Value: records},
		}
	}
	st := NewStats(nil)
	in := make(chan metrics.SampleContainer, 16)
	c := &SampleConsumer{Stats: st, In: in}
	c.AddSamples([]metrics.SampleContainer{
		query(ok, 3.2, 1), query(ok, 4.8, 1), query(bad, 1.1, 0),
		metrics.Sample{Metric: other, Tags: ok, Time: now, Value: 1},
	})
	r := st.Take()
	if len(r.Entries) != 2 {
		t.Fatalf("entries %v", r.Entries)
	}
	write, read := r.Entries[0], r.Entries[1] // sorted by name: oops < person-by-id
	if read.Method != "read" || read.Name != "person-by-id" || read.NumRequests != 2 || read.TotalContentLength != 2 || read.NumFailures != 0 {
		t.Fatalf("read row %+v", read)
	}
	if write.Method != "write" || write.NumRequests != 1 || write.NumFailures != 1 {
		t.Fatalf("write row %+v", write)
	}
	if e := r.Errors[ErrorKey("write", "oops", "Neo.ClientError.Statement.SyntaxError")]; e == nil || e.Occurrences != 1 {
		t.Fatalf("errors %v", r.Errors)
	}

	// Flush waits for its marker to come back through the engine (here: by hand).
	flushed := make(chan error, 1)
	go func() { flushed <- c.Flush(context.Background()) }()
	marker := <-in
	select {
	case err := <-flushed:
		t.Fatalf("Flush returned before its marker was consumed: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	c.AddSamples([]metrics.SampleContainer{query(ok, 1, 1), marker})
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if n := st.Take().Total.NumRequests; n != 1 {
		t.Fatalf("after flush %d requests", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Flush(ctx); err == nil {
		t.Fatal("Flush with a cancelled context returned nil")
	}
}

// 100 000 distinct request names (a script naming queries after their data): the report
// the master gets holds at most MaxNames rows plus "(other)", counts every request, and
// one warning names the cap. The cap holds across reports, not per report.
func TestStatsCapsNames(t *testing.T) {
	s := NewStats(fixedClock(100))
	var warnings []string
	s.SetWarn(func(msg string) { warnings = append(warnings, msg) })
	const n = 100_000
	for i := range n {
		fail := ""
		if i%2 == 0 {
			fail = fmt.Sprintf("error %d", i) // distinct failures too
		}
		s.Request("read", fmt.Sprintf("q-%d", i), 1, 0, at(100), fail)
		if i == n/2 {
			if r := s.Take(); len(r.Entries) > MaxNames+1 {
				t.Fatalf("first report: %d rows", len(r.Entries))
			}
		}
	}
	r := s.Take()
	if len(r.Entries) > MaxNames+1 {
		t.Fatalf("%d rows in the report, want at most %d", len(r.Entries), MaxNames+1)
	}
	if len(r.Errors) > MaxErrors+1 {
		t.Fatalf("%d failure rows in the report, want at most %d", len(r.Errors), MaxErrors+1)
	}
	// Every name in the second half is past the cap: all of them are "(other)".
	if len(r.Entries) != 1 || r.Entries[0].Name != OtherName || r.Entries[0].NumRequests != n/2-1 {
		t.Fatalf("second report rows: %d, first %+v", len(r.Entries), r.Entries[0])
	}
	if r.Total.NumRequests != n/2-1 || r.Total.NumFailures != n/4-1 {
		t.Fatalf("total %d requests %d failures", r.Total.NumRequests, r.Total.NumFailures)
	}
	var occ int64
	for _, e := range r.Errors {
		occ += e.Occurrences
	}
	if occ != n/4-1 {
		t.Fatalf("failure rows count %d occurrences, want %d", occ, n/4-1)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "1000") || !strings.Contains(warnings[0], OtherName) {
		t.Fatalf("warnings %q, want one per cap naming it", warnings)
	}
	// The message as the master decodes it: few rows, small.
	s2 := NewStats(fixedClock(100))
	for i := range n {
		s2.Request("read", fmt.Sprintf("q-%d", i), 1, 0, at(100), "")
	}
	b, err := Encode(Message{Type: TypeStats, Data: s2.Take().Data(nil), NodeID: "w"})
	if err != nil || len(b) > 1<<20 {
		t.Fatalf("encoded report: %d bytes, %v", len(b), err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Map(m.Data)
	rows, _ := d["stats"].([]any)
	tot, _ := Map(d["stats_total"])
	if nr, _ := Int(tot["num_requests"]); len(rows) != MaxNames+1 || nr != n {
		t.Fatalf("the master would get %d rows and %d requests, want %d rows and %d", len(rows), nr, MaxNames+1, n)
	}
}

// A report put back (it could not be sent) travels with the next one, merged.
func TestStatsPutBack(t *testing.T) {
	s := NewStats(fixedClock(100))
	s.Request("read", "a", 10, 2, at(101.5), "")
	s.Request("write", "b", 30, 0, at(102.2), "Neo.ClientError.X")
	lost := s.Take()
	s.PutBack(lost)
	s.Request("read", "a", 5, 1, at(104.1), "")
	s.Error(ExceptionMethod, "User", "Error: boom", at(104.2), 1)
	s.Request("write", "b", 50, 0, at(104.3), "Neo.ClientError.X")
	r := s.Take()
	rows := map[string]*Entry{}
	for _, e := range r.Entries {
		rows[e.Method+" "+e.Name] = e
	}
	a, b := rows["read a"], rows["write b"]
	if len(r.Entries) != 2 || a.NumRequests != 2 || a.TotalContentLength != 3 || *a.MinResponseTime != 5 || a.MaxResponseTime != 10 ||
		a.NumReqsPerSec[101] != 1 || a.NumReqsPerSec[104] != 1 || a.ResponseTimes[10] != 1 || a.ResponseTimes[5] != 1 {
		t.Fatalf("read a: %+v", a)
	}
	if b.NumRequests != 2 || b.NumFailures != 2 || b.TotalResponseTime != 80 || b.NumFailPerSec[102] != 1 {
		t.Fatalf("write b: %+v", b)
	}
	if r.Total.NumRequests != 4 || r.Total.NumFailures != 2 || *r.Total.LastRequestTimestamp != 104.3 {
		t.Fatalf("total %+v", r.Total)
	}
	e := r.Errors[ErrorKey("write", "b", "Neo.ClientError.X")]
	if len(r.Errors) != 2 || e.Occurrences != 2 || e.FirstSeen != 102.2 || e.LastSeen != 104.3 {
		t.Fatalf("errors %+v", r.Errors)
	}
	if next := s.Take(); next.Total.NumRequests != 0 || len(next.Entries) != 0 || len(next.Errors) != 0 {
		t.Fatalf("counted twice: %+v", next.Total)
	}
}
