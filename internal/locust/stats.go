package locust

import (
	"fmt"
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

// MaxNames bounds the distinct request names, and MaxErrors the distinct failure rows, a
// worker reports over its whole life: the master keeps a row for each forever, so a script
// that names queries after their data would otherwise grow the master, this worker and
// every report without end. Names beyond the cap are counted under OtherName; failures
// beyond it under the error text OtherName.
const (
	MaxNames  = 1000
	MaxErrors = 1000
	OtherName = "(other)"
)

// Stats aggregates requests and errors between two reports. Safe for concurrent use.
type Stats struct {
	now func() time.Time

	mu      sync.Mutex
	start   time.Time
	entries map[entryKey]*Entry
	total   *Entry
	errors  map[string]*ErrorEntry

	// names and errorKeys are every name and failure row seen since NewStats (not just
	// since the last report): the caps hold for the rows the master accumulates.
	names      map[string]struct{}
	errorKeys  map[string]struct{}
	warn       func(string)
	warnedName bool
	warnedErr  bool
}

// NewStats returns empty stats; now is the clock (nil: time.Now).
func NewStats(now func() time.Time) *Stats {
	if now == nil {
		now = time.Now
	}
	s := &Stats{now: now, names: map[string]struct{}{}, errorKeys: map[string]struct{}{}}
	s.resetLocked()
	return s
}

// SetWarn sets where the one warning about a cap goes (nil: nowhere).
func (s *Stats) SetWarn(f func(msg string)) {
	s.mu.Lock()
	s.warn = f
	s.mu.Unlock()
}

// nameLocked returns the name a request is counted under: itself while fewer than
// MaxNames distinct names were seen, else OtherName. The returned message, if any, is the
// one warning to log (after unlocking).
func (s *Stats) nameLocked(name string) (string, string) {
	if _, ok := s.names[name]; ok || name == OtherName {
		return name, ""
	}
	if len(s.names) < MaxNames {
		s.names[name] = struct{}{}
		return name, ""
	}
	if s.warnedName {
		return OtherName, ""
	}
	s.warnedName = true
	return OtherName, fmt.Sprintf("more than %d distinct request names: the master sees the rest as %q (name queries with tags.name rather than with their data)", MaxNames, OtherName)
}

func (s *Stats) warnOutside(msg string) {
	if msg != "" && s.warn != nil {
		s.warn(msg)
	}
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
	name, w1 := s.nameLocked(name)
	e := s.entryLocked(name, method)
	e.log(ms, contentLength, t)
	s.total.log(ms, contentLength, t)
	var w2 string
	if failure != "" {
		e.logFailure(t)
		s.total.logFailure(t)
		w2 = s.errorLocked(method, name, failure, t, 1)
	}
	s.mu.Unlock()
	s.warnOutside(w1)
	s.warnOutside(w2)
}

// Error counts n occurrences of an error that is not a request's failure (a script
// exception): it shows in the failures table and in no request row.
func (s *Stats) Error(method, name, err string, t time.Time, n int64) {
	s.mu.Lock()
	name, w1 := s.nameLocked(name)
	w2 := s.errorLocked(method, name, err, t, n)
	s.mu.Unlock()
	s.warnOutside(w1)
	s.warnOutside(w2)
}

// errorLocked counts n occurrences of a failure row; beyond MaxErrors distinct rows the
// error text becomes OtherName. It returns the one warning to log, if due.
func (s *Stats) errorLocked(method, name, err string, t time.Time, n int64) string {
	var warn string
	k := ErrorKey(method, name, err)
	if _, ok := s.errorKeys[k]; !ok {
		if len(s.errorKeys) < MaxErrors {
			s.errorKeys[k] = struct{}{}
		} else {
			if !s.warnedErr {
				s.warnedErr = true
				warn = fmt.Sprintf("more than %d distinct failures (method, name, error): the master sees the rest with the error %q", MaxErrors, OtherName)
			}
			err = OtherName
			k = ErrorKey(method, name, err)
		}
	}
	s.addErrorLocked(k, &ErrorEntry{Method: method, Name: name, Error: err, Occurrences: n, FirstSeen: unixSeconds(t), LastSeen: unixSeconds(t)})
	return warn
}

func (s *Stats) addErrorLocked(k string, add *ErrorEntry) {
	e := s.errors[k]
	if e == nil {
		c := *add
		s.errors[k] = &c
		return
	}
	e.Occurrences += add.Occurrences
	e.FirstSeen = min(e.FirstSeen, add.FirstSeen)
	e.LastSeen = max(e.LastSeen, add.LastSeen)
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

// PutBack returns a report that could not be sent to the counts, so the next Take holds
// it too: a report taken while the connection to the master is down is not lost. Rows are
// aggregates, so merging keeps memory flat however long the master is unreachable (the
// per-second maps grow by one key a second, and the master timeout bounds the outage).
func (s *Stats) PutBack(r Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range r.Entries {
		k := entryKey{e.Name, e.Method}
		if cur := s.entries[k]; cur != nil {
			cur.merge(e)
		} else {
			s.entries[k] = e
		}
	}
	if r.Total != nil {
		s.total.merge(r.Total)
	}
	for k, e := range r.Errors {
		s.addErrorLocked(k, e)
	}
	if r.Total != nil {
		if st := r.Total.StartTime; st > 0 && st < unixSeconds(s.start) {
			s.start = time.Unix(0, int64(st*1e9))
		}
	}
}

// merge adds o's counts to e.
func (e *Entry) merge(o *Entry) {
	if o.LastRequestTimestamp != nil && (e.LastRequestTimestamp == nil || *o.LastRequestTimestamp > *e.LastRequestTimestamp) {
		v := *o.LastRequestTimestamp
		e.LastRequestTimestamp = &v
	}
	e.StartTime = min(e.StartTime, o.StartTime)
	e.NumRequests += o.NumRequests
	e.NumNoneRequests += o.NumNoneRequests
	e.NumFailures += o.NumFailures
	e.TotalResponseTime += o.TotalResponseTime
	e.MaxResponseTime = max(e.MaxResponseTime, o.MaxResponseTime)
	if o.MinResponseTime != nil && (e.MinResponseTime == nil || *o.MinResponseTime < *e.MinResponseTime) {
		v := *o.MinResponseTime
		e.MinResponseTime = &v
	}
	e.TotalContentLength += o.TotalContentLength
	for k, v := range o.ResponseTimes {
		e.ResponseTimes[k] += v
	}
	for k, v := range o.NumReqsPerSec {
		e.NumReqsPerSec[k] += v
	}
	for k, v := range o.NumFailPerSec {
		e.NumFailPerSec[k] += v
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
