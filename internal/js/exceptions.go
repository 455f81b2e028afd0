package js

import (
	"errors"
	"sort"
	"strings"
	"sync"
)

// exceptionLog logs each distinct script exception once, with its stack, and counts the
// repeats, so a failing line in 200 VUs does not bury the output.
type exceptionLog struct {
	mu   sync.Mutex
	seen map[string]int
}

func (r *Runner) reportException(err error, vuID uint64, iter int64) {
	key := err.Error()
	var se *ScriptError
	if errors.As(err, &se) {
		key = se.Msg
	}
	r.exceptions.mu.Lock()
	if r.exceptions.seen == nil {
		r.exceptions.seen = make(map[string]int)
	}
	r.exceptions.seen[key]++
	first := r.exceptions.seen[key] == 1
	r.exceptions.mu.Unlock()
	if first {
		r.Logger.Error(strings.TrimSpace(err.Error()), "vu", vuID, "iter", iter,
			"note", "later occurrences of this exception are counted, not logged")
	}
}

// ExceptionCounts returns each distinct exception message with how often it was thrown, most
// frequent first.
func (r *Runner) ExceptionCounts() []ExceptionCount {
	r.exceptions.mu.Lock()
	defer r.exceptions.mu.Unlock()
	out := make([]ExceptionCount, 0, len(r.exceptions.seen))
	for m, n := range r.exceptions.seen {
		out = append(out, ExceptionCount{Msg: m, N: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Msg < out[j].Msg })
	return out
}

// ExceptionCount is one distinct exception and its count.
type ExceptionCount struct {
	Msg string
	N   int
}

func (r *Runner) moduleNames() []string {
	names := make([]string, 0, len(r.Modules))
	for n := range r.Modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
