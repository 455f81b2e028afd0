package js

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Exceptions that differ only in a timestamp, an address or an id are one problem: they
// are counted under one key (the message with those parts replaced by placeholders) and
// logged at most once per key and interval, so 300 timeouts make one summary row and a few
// log lines, not 300 of each.
const (
	// MaxDistinctExceptions bounds the keys kept, so a script that puts a counter or random
	// data in its messages cannot grow memory or the summary without end. Keys beyond it
	// are counted together as OtherExceptions.
	MaxDistinctExceptions = 1000
	// ExceptionLogInterval is how often one key may be logged again.
	ExceptionLogInterval = 10 * time.Second
	// OtherExceptions is the summary row for the exceptions beyond MaxDistinctExceptions.
	OtherExceptions = "(other)"
	// maxKeptText bounds the key and the example kept per exception, so the cap bounds
	// memory even when a script throws megabyte-long messages.
	maxKeptText = 1024
)

// clip cuts s to at most maxKeptText bytes, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxKeptText {
		return s
	}
	cut := maxKeptText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// The parts normalised away, most specific first (at any position the first rule that
// matches wins): a timestamp's date and time would otherwise read as numbers, a UUID as hex.
var normalisers = []struct {
	pattern string
	with    string
}{
	// 2026-12-04 14:42:48.79 +0000 UTC m=+12.3, 2026-12-04T14:42:48Z, ...
	{`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[ ]?[+-]\d{2}:?\d{2})?(?: [A-Z]{2,5})?(?: m=[+-]\d+\.\d+)?`, "<time>"},
	{`\d{2}:\d{2}:\d{2}(?:\.\d+)?`, "<time>"},
	{`(?i:\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)`, "<uuid>"},
	// IPv4 and bracketed IPv6, with or without a port; host:port for localhost or a name
	// with a dot (a bare "word:12" is too often something else).
	{`\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`, "<addr>"},
	{`\[[0-9a-fA-F:.]+\](?::\d{1,5})?`, "<addr>"},
	{`\b(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+):\d{1,5}\b`, "<addr>"},
	{`\b0x[0-9a-fA-F]+\b`, "<hex>"},
	// A word of 8 or more hex digits: an id when it has both digits and letters, a number
	// when only digits; a word such as "deadbeef" stays (see NormaliseMessage).
	{`\b[0-9a-fA-F]{8,}\b`, ""},
	{`\b\d{5,}\b`, "<n>"},
}

// normaliser is every rule in one regexp, so a message is scanned once: exceptions can
// come thousands of times a second.
var normaliser = func() *regexp.Regexp {
	parts := make([]string, len(normalisers))
	for i, n := range normalisers {
		parts[i] = "(" + n.pattern + ")"
	}
	return regexp.MustCompile(strings.Join(parts, "|"))
}()

// NormaliseMessage is the grouping key of an exception message: timestamps, addresses
// (IPs, host:port), UUIDs, hex ids and numbers of five digits or more replaced by
// placeholders.
func NormaliseMessage(msg string) string {
	matches := normaliser.FindAllStringSubmatchIndex(msg, -1)
	if matches == nil {
		return msg
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		rule := 0
		for rule < len(normalisers) && m[2+2*rule] < 0 {
			rule++
		}
		w := msg[m[0]:m[1]]
		with := normalisers[rule].with
		if with == "" { // the hex word rule
			hasDigit := strings.IndexFunc(w, isDigit) >= 0
			hasLetter := strings.IndexFunc(w, func(r rune) bool { return !isDigit(r) }) >= 0
			switch {
			case hasDigit && hasLetter:
				with = "<hex>"
			case hasDigit:
				with = "<n>"
			default:
				with = w
			}
		}
		b.WriteString(msg[last:m[0]])
		b.WriteString(with)
		last = m[1]
	}
	b.WriteString(msg[last:])
	return b.String()
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// exceptionLog counts script exceptions by key and rate-limits their log lines.
type exceptionLog struct {
	mu     sync.Mutex
	now    func() time.Time // the clock; tests inject one
	groups map[string]*exceptionGroup
	capped bool // the one warning that the cap was reached was logged

	windowStart time.Time
	suppressed  int // lines not logged since windowStart

	// keys remembers the key of recent raw messages: the same exception thrown again and
	// again (the common case) is not normalised again. Emptied when full, so it stays small.
	keys  sync.Map
	nkeys atomic.Int64
}

const maxRememberedKeys = 4096

// keyOf returns the grouping key of a message, normalised once per distinct raw text.
func (l *exceptionLog) keyOf(raw string) string {
	if k, ok := l.keys.Load(raw); ok {
		return k.(string)
	}
	k := raw
	if strings.IndexFunc(raw, isDigit) >= 0 { // every rule needs a digit
		k = NormaliseMessage(raw)
	}
	if l.nkeys.Add(1) > maxRememberedKeys {
		l.keys.Clear()
		l.nkeys.Store(1)
	}
	l.keys.Store(raw, k)
	return k
}

type exceptionGroup struct {
	example string    // the first message seen, as it was
	n       int       // how often
	logged  time.Time // when a line for this key was last logged
}

// SetClock replaces the clock the exception log's rate limit uses (for tests).
func (r *Runner) SetClock(now func() time.Time) {
	r.exceptions.mu.Lock()
	r.exceptions.now = now
	r.exceptions.mu.Unlock()
}

// reportException counts an exception that ended an iteration and logs it unless a line
// for its key was logged within ExceptionLogInterval.
func (r *Runner) reportException(err error, vuID uint64, iter int64) {
	full := strings.TrimSpace(err.Error())
	text, line, logged := full, full, clip(full)
	var se *ScriptError
	if errors.As(err, &se) {
		line = se.Line()
		// A long message is cut in the log too; the frames after it stay.
		logged = strings.TrimSpace(clip(se.Text) + strings.TrimPrefix(se.Stack, se.Text))
		// The location is the script's: it stays out of the normalising, where a
		// file:line:col could pass for an address.
		text = r.exceptions.keyOf(clip(se.Text)) // clipped first: the regexps cost per byte
		if se.Where != "" {
			text += " at " + se.Where
		}
	} else {
		text = r.exceptions.keyOf(clip(text))
	}
	l := &r.exceptions
	l.mu.Lock()
	now := time.Now
	if l.now != nil {
		now = l.now
	}
	t := now()
	var logs []func()
	if l.groups == nil {
		l.groups = make(map[string]*exceptionGroup)
		l.windowStart = t
	}
	key := clip(text)
	g, ok := l.groups[key]
	if !ok && len(l.groups) >= MaxDistinctExceptions {
		key = OtherExceptions
		if g, ok = l.groups[key]; !ok && !l.capped {
			l.capped = true
			logs = append(logs, func() {
				r.Logger.Warn(fmt.Sprintf("more than %d distinct script exceptions: further new ones are counted together as %q and not logged one by one",
					MaxDistinctExceptions, OtherExceptions))
			})
		}
	}
	if !ok {
		g = &exceptionGroup{example: clip(line)}
		l.groups[key] = g
	}
	g.n++
	if g.logged.IsZero() || t.Sub(g.logged) >= ExceptionLogInterval {
		g.logged = t
		logs = append(logs, func() {
			r.Logger.Error(logged, "vu", vuID, "iter", iter,
				"note", fmt.Sprintf("the same exception is logged at most once every %s; the summary counts all", ExceptionLogInterval))
		})
	} else {
		l.suppressed++
	}
	if f := l.flushSuppressed(r.Logger, t, false); f != nil {
		logs = append(logs, f)
	}
	l.mu.Unlock()
	for _, f := range logs { // logging outside the lock: a slow stderr must not serialise VUs more than it must
		f()
	}
}

// flushSuppressed returns the line saying how many exception lines were held back since the
// last such note, once an interval has passed (or at once, with final); the caller holds
// l.mu.
func (l *exceptionLog) flushSuppressed(logger *slog.Logger, t time.Time, final bool) func() {
	if !final && t.Sub(l.windowStart) < ExceptionLogInterval {
		return nil
	}
	n, since := l.suppressed, t.Sub(l.windowStart).Round(time.Second)
	l.suppressed, l.windowStart = 0, t
	if n == 0 {
		return nil
	}
	if since < time.Second {
		since = time.Second
	}
	return func() {
		logger.Warn(fmt.Sprintf("%d more script exceptions suppressed in the last %s (repeats of exceptions logged above; the summary counts them all)", n, since))
	}
}

// FlushExceptionLog logs how many exception lines were held back since the last such note;
// the host calls it when the iterations are over.
func (r *Runner) FlushExceptionLog() {
	l := &r.exceptions
	l.mu.Lock()
	now := time.Now
	if l.now != nil {
		now = l.now
	}
	f := l.flushSuppressed(r.Logger, now(), true)
	l.mu.Unlock()
	if f != nil {
		f()
	}
}

// ExceptionCounts returns each distinct exception (by normalised key) with how often it was
// thrown, most frequent first.
func (r *Runner) ExceptionCounts() []ExceptionCount {
	r.exceptions.mu.Lock()
	defer r.exceptions.mu.Unlock()
	out := make([]ExceptionCount, 0, len(r.exceptions.groups))
	for k, g := range r.exceptions.groups {
		msg := g.example
		if k == OtherExceptions {
			msg = fmt.Sprintf("%s: exceptions beyond the first %d distinct ones, e.g. %s", OtherExceptions, MaxDistinctExceptions, g.example)
		}
		out = append(out, ExceptionCount{Key: k, Msg: msg, N: g.n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Key < out[j].Key })
	return out
}

// ExceptionCount is one distinct exception and its count.
type ExceptionCount struct {
	// Key is the normalised message the exceptions were grouped by; Msg one real example
	// (on one line, with where the script threw it).
	Key, Msg string
	N        int
}

func (r *Runner) moduleNames() []string {
	names := make([]string, 0, len(r.Modules))
	for n := range r.Modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// unmangleFrame gives a stack frame ("name (path:line:col)") back the function name the
// script wrote. The bundler names an anonymous `export default function` after its file
// (script.js's is script_default, a second one script_default2); k6 compiles the script as
// written and shows it as `default`, so users search their script for that.
func unmangleFrame(frame string) string {
	name, rest, ok := strings.Cut(frame, " (")
	if !ok || !strings.Contains(name, "_default") {
		return frame
	}
	loc := strings.TrimSuffix(rest, ")")
	// loc is path:line:col; the path may itself hold colons (file:///, C:\).
	for range 2 {
		if i := strings.LastIndexByte(loc, ':'); i >= 0 {
			loc = loc[:i]
		}
	}
	if strings.TrimRight(name, "0123456789") != bundlerDefaultName(loc) {
		return frame
	}
	return "default (" + rest
}

// bundlerDefaultName is the name the bundler (esbuild) gives the anonymous default export
// of the module at path: the file's base name without its extension (the folder's name for
// an index file), made a valid identifier, plus "_default".
func bundlerDefaultName(path string) string {
	path = strings.ReplaceAll(path, "\\", "/")
	dir, base := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, base = path[:i], path[i+1:]
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	if base == "index" {
		if i := strings.LastIndexByte(dir, '/'); i >= 0 {
			dir = dir[i+1:]
		}
		if dir != "" {
			base = dir
		}
	}
	var b strings.Builder
	for i, r := range base {
		ok := r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 ||
			i > 0 && r >= '0' && r <= '9'
		if i == 0 && r >= '0' && r <= '9' {
			b.WriteByte('_')
			ok = true
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String() + "_default"
}
