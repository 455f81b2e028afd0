package metrics

import (
	"strconv"
	"testing"
)

func TestTagLimiterFoldsValuesPastTheCapIntoOther(t *testing.T) {
	l := NewTagLimiter(3)
	var capped []string
	l.OnCap = func(key string, limit int) {
		if limit != 3 {
			t.Errorf("OnCap limit = %d", limit)
		}
		capped = append(capped, key)
	}
	for i := range 10 {
		ts := NewTagSet(map[string]string{"name": "q" + strconv.Itoa(i), "mode": "read"})
		got := l.Limit(ts)
		name, _ := got.Get("name")
		want := "q" + strconv.Itoa(i)
		if i >= 3 {
			want = Other
		}
		if name != want {
			t.Errorf("value %d: name = %q, want %q", i, name, want)
		}
		if mode, _ := got.Get("mode"); mode != "read" || got.Len() != 2 {
			t.Errorf("other tags changed: %v", got)
		}
		if i < 3 && got != ts {
			t.Errorf("a set within the cap is returned as a copy")
		}
	}
	// A value admitted before the cap was reached stays admitted.
	if name, _ := l.Limit(NewTagSet(map[string]string{"name": "q1"})).Get("name"); name != "q1" {
		t.Errorf("q1 became %q", name)
	}
	if len(capped) != 1 || capped[0] != "name" {
		t.Errorf("OnCap calls: %q, want one for name", capped)
	}
	if l.Len("name") != 3 {
		t.Errorf("Len(name) = %d", l.Len("name"))
	}
	if v := l.Value("name", "q9"); v != Other {
		t.Errorf("Value = %q", v)
	}
}

func TestTagLimiterBoundsKeys(t *testing.T) {
	l := NewTagLimiter(0)
	calls := 0
	l.OnCap = func(string, int) { calls++ }
	for i := range MaxDistinctKeys + 50 {
		got := l.Limit(NewTagSet(map[string]string{"k" + strconv.Itoa(i): "v", "a": "x"}))
		if i >= MaxDistinctKeys-1 && got.Len() != 1 {
			t.Fatalf("key %d kept past the cap: %v", i, got)
		}
	}
	if calls != 1 {
		t.Errorf("OnCap called %d times, want once", calls)
	}
}
