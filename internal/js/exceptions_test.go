package js

import (
	"bytes"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNormaliseMessageDropsTimestampsAddressesAndIDs(t *testing.T) {
	cases := []struct{ in, want string }{
		{"user-provided context deadline: 2026-12-04 14:42:48.791234 +0000 UTC m=+12.345678 exceeded",
			"user-provided context deadline: <time> exceeded"},
		{"at 2026-12-04T14:42:48.79Z and 14:42:49", "at <time> and <time>"},
		{"dial tcp 127.0.0.1:41234: connection refused (neo4j@127.0.0.1:7687)",
			"dial tcp <addr>: connection refused (neo4j@<addr>)"},
		{"no route to db-3.example.com:7687 or localhost:7688", "no route to <addr> or <addr>"},
		{"request 123e4567-e89b-12d3-a456-426614174000 failed", "request <uuid> failed"},
		{"conn 0xc000123abc, bolt-id 7f3a9c21d4e5", "conn <hex>, bolt-id <hex>"},
		{"order 1234567 of 42", "order <n> of 42"},
		// Words made of hex letters, short numbers and text stay.
		{"deadline exceeded: cafe 12 abc", "deadline exceeded: cafe 12 abc"},
	}
	for _, c := range cases {
		if got := NormaliseMessage(c.in); got != c.want {
			t.Errorf("NormaliseMessage(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestRunner() (*Runner, *bytes.Buffer, *testClock) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	clock := &testClock{t: time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)}
	r := &Runner{Logger: logger}
	r.SetClock(clock.now)
	return r, &buf, clock
}

func timeoutError(i int) error {
	text := fmt.Sprintf("Neo4jError: user-provided context deadline: 2026-12-04 14:42:%02d.%06d +0000 UTC m=+%d.5 (neo4j@127.0.0.1:%d) [timeout]",
		i%60, i*7919%1000000, i, 40000+i)
	return &ScriptError{Text: text, Where: "default (script.js:7:12)", Msg: text + " at default (script.js:7:12)", Stack: text + "\n\tat default (script.js:7:12)"}
}

func countLines(s, sub string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// 300 timeouts whose messages differ only in timestamps and ports are one row, logged once
// per interval with a note of how many were held back.
func TestExceptionsAreGroupedAndTheirLogIsRateLimited(t *testing.T) {
	r, buf, clock := newTestRunner()
	for i := range 300 {
		if i == 150 {
			clock.add(ExceptionLogInterval) // a new interval: one more line, and the note
		}
		r.reportException(timeoutError(i), 1, int64(i))
		clock.add(time.Millisecond)
	}
	r.FlushExceptionLog()
	counts := r.ExceptionCounts()
	if len(counts) != 1 || counts[0].N != 300 {
		t.Fatalf("want one group of 300, got %+v", counts)
	}
	if strings.Contains(counts[0].Key, "14:42") || !strings.Contains(counts[0].Key, "<time>") || strings.Contains(counts[0].Key, "127.0.0.1") {
		t.Fatalf("the key keeps what varies: %q", counts[0].Key)
	}
	if !strings.Contains(counts[0].Msg, "2026-12-04 14:42:00") || !strings.HasSuffix(counts[0].Msg, "at default (script.js:7:12)") {
		t.Fatalf("the example should be the first real message with the script's frame: %q", counts[0].Msg)
	}
	log := buf.String()
	if n := countLines(log, "level=ERROR"); n != 2 {
		t.Fatalf("%d ERROR lines for one exception over two intervals, want 2:\n%s", n, log)
	}
	// 149 held back in the first interval (noted when the second starts), 149 in the second
	// (noted by the final flush).
	if n := len(regexp.MustCompile(`149 more script exceptions suppressed in the last`).FindAllString(log, -1)); n != 2 {
		t.Fatalf("want two notes of 149 suppressed exceptions:\n%s", log)
	}
}

// Distinct messages beyond the cap are counted as "(other)", with one warning naming the
// cap, and are not logged one by one.
func TestDistinctExceptionsAreCapped(t *testing.T) {
	r, buf, _ := newTestRunner()
	const n = MaxDistinctExceptions + 500
	for i := range n {
		text := fmt.Sprintf("Error: item %d is bad", i) // short numbers: really distinct
		r.reportException(&ScriptError{Text: text, Msg: text, Stack: text}, 1, int64(i))
	}
	counts := r.ExceptionCounts()
	if len(counts) != MaxDistinctExceptions+1 {
		t.Fatalf("%d groups, want %d plus (other)", len(counts), MaxDistinctExceptions)
	}
	total, other := 0, 0
	for _, c := range counts {
		total += c.N
		if c.Key == OtherExceptions {
			other = c.N
			if !strings.Contains(c.Msg, "e.g. Error: item 1000 is bad") {
				t.Errorf("the (other) row should show an example: %q", c.Msg)
			}
		}
	}
	if total != n || other != 500 {
		t.Fatalf("total %d (want %d), other %d (want 500)", total, n, other)
	}
	log := buf.String()
	if c := countLines(log, fmt.Sprintf("more than %d distinct script exceptions", MaxDistinctExceptions)); c != 1 {
		t.Fatalf("%d warnings about the cap, want 1", c)
	}
	if c := countLines(log, "level=ERROR"); c != MaxDistinctExceptions+1 {
		t.Fatalf("%d ERROR lines, want %d (one per kept message and one for (other))", c, MaxDistinctExceptions+1)
	}
}

// Memory stays bounded however long and varied the messages: the cap bounds the groups,
// and each keeps at most a clipped key and example.
func TestExceptionMemoryIsBoundedForLongMessages(t *testing.T) {
	r, _, _ := newTestRunner()
	long := strings.Repeat("x", 20_000)
	for i := range 1500 {
		text := fmt.Sprintf("Error: %d %s", i, long)
		r.reportException(&ScriptError{Text: text, Msg: text, Stack: text}, 1, int64(i))
	}
	kept := 0
	counts := r.ExceptionCounts()
	for _, c := range counts {
		kept += len(c.Key) + len(c.Msg)
	}
	if len(counts) != MaxDistinctExceptions+1 || kept > 3*(MaxDistinctExceptions+1)*maxKeptText {
		t.Fatalf("%d groups holding %d bytes of text", len(counts), kept)
	}
}
