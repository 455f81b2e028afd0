package locust

import (
	"sort"
	"sync"
	"time"
)

// Entry is one row of Locust's request statistics (one name and method, or the
// "Aggregated" total), with the wire keys in the order Locust serialises them.
type Entry struct {
	Name                 string   `msgpack:"name"`
	Method               string   `msgpack:"method"`
	LastRequestTimestamp *float64 `msgpack:"last_request_timestamp"`
	StartTime            float64  `msgpack:"start_time"`
	NumRequests          int64    `msgpack:"num_requests"`
	NumNoneRequests      int64    `msgpack:"num_none_requests"`
	NumFailures          int64    `msgpack:"num_failures"`
	TotalResponseTime    float64  `msgpack:"total_response_time"`
	MaxResponseTime      float64  `msgpack:"max_response_time"`
	MinResponseTime      *float64 `msgpack:"min_response_time"`
	TotalContentLength   int64    `msgpack:"total_content_length"`
	// ResponseTimes counts requests by ResponseTimeBucket.
	ResponseTimes map[int64]int64 `msgpack:"response_times"`
	// NumReqsPerSec and NumFailPerSec count by whole unix second.
	NumReqsPerSec map[int64]int64 `msgpack:"num_reqs_per_sec"`
	NumFailPerSec map[int64]int64 `msgpack:"num_fail_per_sec"`
}

// TotalName and TotalMethod name the stats_total entry.
const (
	TotalName   = "Aggregated"
	TotalMethod = ""
)

func newEntry(name, method string, start time.Time) *Entry {
	return &Entry{
		Name: name, Method: method, StartTime: unixSeconds(start),
		ResponseTimes: map[int64]int64{}, NumReqsPerSec: map[int64]int64{}, NumFailPerSec: map[int64]int64{},
	}
}

// log counts one request that took ms milliseconds and ended at t.
func (e *Entry) log(ms float64, contentLength int64, t time.Time) {
	ts := unixSeconds(t)
	if e.LastRequestTimestamp == nil || ts > *e.LastRequestTimestamp {
		e.LastRequestTimestamp = &ts
	}
	e.NumRequests++
	e.NumReqsPerSec[t.Unix()]++
	e.TotalResponseTime += ms
	if e.MinResponseTime == nil || ms < *e.MinResponseTime {
		v := ms
		e.MinResponseTime = &v
	}
	e.MaxResponseTime = max(e.MaxResponseTime, ms)
	e.ResponseTimes[ResponseTimeBucket(ms)]++
	e.TotalContentLength += contentLength
}

// logFailure counts a failure of a request already counted by log.
func (e *Entry) logFailure(t time.Time) {
	e.NumFailures++
	e.NumFailPerSec[t.Unix()]++
}

// ErrorEntry is one row of Locust's failures table.
type ErrorEntry struct {
	Method      string  `msgpack:"method"`
	Name        string  `msgpack:"name"`
	Error       string  `msgpack:"error"`
	Occurrences int64   `msgpack:"occurrences"`
	FirstSeen   float64 `msgpack:"first_seen"`
	LastSeen    float64 `msgpack:"last_seen"`
}

// Report is one stats report: what was measured since the previous one.
type Report struct {
	Entries []*Entry
	Total   *Entry
	Errors  map[string]*ErrorEntry
}

// Data is the report as a stats message's data, with the users now running.
func (r Report) Data(users map[string]int) map[string]any {
	errs := make(map[string]any, len(r.Errors))
	for k, e := range r.Errors {
		errs[k] = e
	}
	entries := make([]any, len(r.Entries))
	for i, e := range r.Entries {
		entries[i] = e
	}
	if users == nil {
		users = map[string]int{}
	}
	return map[string]any{
		"stats": entries, "stats_total": r.Total, "errors": errs,
		"user_classes_count": users, "user_count": sum(users),
	}
}

// Requests is the number of requests in the report.
func (r Report) Requests() int64 { return r.Total.NumRequests }

type entryKey struct{ name, method string }

// Stats aggregates requests and errors between two reports. Safe for concurrent use.
type Stats struct {
	now func() time.Time

	mu      sync.Mutex
	start   time.Time
	entries map[entryKey]*Entry
	total   *Entry
	errors  map[string]*ErrorEntry
}

// NewStats returns empty stats; now is the clock (nil: time.Now).
func NewStats(now func() time.Time) *Stats {
	if now == nil {
		now = time.Now
	}
	s := &Stats{now: now}
	s.resetLocked()
	return s
}

func (s *Stats) resetLocked() {
	s.start = s.now()
	s.entries = map[entryKey]*Entry{}
	s.total = newEntry(TotalName, TotalMethod, s.start)
	s.errors = map[string]*ErrorEntry{}
}

func (s *Stats) entryLocked(name, method string) *Entry {
	k := entryKey{name, method}
	e := s.entries[k]
	if e == nil {
		e = newEntry(name, method, s.start)
		s.entries[k] = e
	}
	return e
}

// Request counts one request: method and name name its row, ms is its response time,
// contentLength its size (for queries: records returned), t when it ended. A non-empty
// failure counts it as failed with that error text.
func (s *Stats) Request(method, name string, ms float64, contentLength int64, t time.Time, failure string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entryLocked(name, method)
	e.log(ms, contentLength, t)
	s.total.log(ms, contentLength, t)
	if failure != "" {
		e.logFailure(t)
		s.total.logFailure(t)
		s.errorLocked(method, name, failure, t, 1)
	}
}

// Error counts n occurrences of an error that is not a request's failure (a script
// exception): it shows in the failures table and in no request row.
func (s *Stats) Error(method, name, err string, t time.Time, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errorLocked(method, name, err, t, n)
}

func (s *Stats) errorLocked(method, name, err string, t time.Time, n int64) {
	k := ErrorKey(method, name, err)
	ts := unixSeconds(t)
	e := s.errors[k]
	if e == nil {
		e = &ErrorEntry{Method: method, Name: name, Error: err, FirstSeen: ts, LastSeen: ts}
		s.errors[k] = e
	}
	e.Occurrences += n
	e.FirstSeen = min(e.FirstSeen, ts)
	e.LastSeen = max(e.LastSeen, ts)
}

// Take returns what was counted since the last Take and starts counting afresh. Rows
// come sorted by name and method; rows without requests are left out, as Locust does.
func (s *Stats) Take() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{Total: s.total, Errors: s.errors}
	for _, e := range s.entries {
		if e.NumRequests > 0 || e.NumFailures > 0 {
			r.Entries = append(r.Entries, e)
		}
	}
	sort.Slice(r.Entries, func(i, j int) bool {
		a, b := r.Entries[i], r.Entries[j]
		return a.Name < b.Name || a.Name == b.Name && a.Method < b.Method
	})
	s.resetLocked()
	return r
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
