package metrics_test

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

func tagKeys(ts *metrics.TagSet) []string {
	var keys []string
	for _, t := range ts.Tags() {
		keys = append(keys, t.Key)
	}
	return keys
}

func TestNewTagSetSorted(t *testing.T) {
	t.Parallel()
	ts := metrics.NewTagSet(map[string]string{"z": "1", "a": "2", "m": "3", "B": "4"})
	if got, want := tagKeys(ts), []string{"B", "a", "m", "z"}; !slices.Equal(got, want) {
		t.Errorf("keys = %v, want %v (byte order)", got, want)
	}
	if ts.Len() != 4 {
		t.Errorf("Len = %d, want 4", ts.Len())
	}
	if got := metrics.NewTagSet(nil); got.Len() != 0 || got.String() != "{}" {
		t.Errorf("NewTagSet(nil) = %v (len %d), want empty", got, got.Len())
	}
}

func TestTagSetWith(t *testing.T) {
	t.Parallel()
	base := map[string]string{"b": "1", "d": "1"}
	tests := []struct {
		name     string
		key, val string
		wantKeys []string
		want     map[string]string
	}{
		{"insert first", "a", "x", []string{"a", "b", "d"}, map[string]string{"a": "x", "b": "1", "d": "1"}},
		{"insert middle", "c", "x", []string{"b", "c", "d"}, map[string]string{"b": "1", "c": "x", "d": "1"}},
		{"insert last", "e", "x", []string{"b", "d", "e"}, map[string]string{"b": "1", "d": "1", "e": "x"}},
		{"replace value", "b", "x", []string{"b", "d"}, map[string]string{"b": "x", "d": "1"}},
		{"same value", "d", "1", []string{"b", "d"}, map[string]string{"b": "1", "d": "1"}},
		{"empty value is a value", "c", "", []string{"b", "c", "d"}, map[string]string{"b": "1", "c": "", "d": "1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := metrics.NewTagSet(base)
			got := ts.With(tc.key, tc.val)
			if !slices.Equal(tagKeys(got), tc.wantKeys) {
				t.Errorf("keys = %v, want %v", tagKeys(got), tc.wantKeys)
			}
			if !maps.Equal(got.Map(), tc.want) {
				t.Errorf("With(%q, %q) = %v, want %v", tc.key, tc.val, got.Map(), tc.want)
			}
			if !maps.Equal(ts.Map(), base) {
				t.Errorf("receiver changed to %v, want %v", ts.Map(), base)
			}
			if v, ok := got.Get(tc.key); !ok || v != tc.val {
				t.Errorf("Get(%q) = %q, %v", tc.key, v, ok)
			}
		})
	}
}

// Two sets derived from one base must not share storage: a VU's tags are the base of
// every sample's tags.
func TestTagSetWithSiblingsIndependent(t *testing.T) {
	t.Parallel()
	base := metrics.NewTagSet(map[string]string{"a": "1"}).With("b", "1").With("c", "1")
	x := base.With("d", "x")
	y := base.With("d", "y")
	z := base.With("b", "z")
	if v, _ := x.Get("d"); v != "x" {
		t.Errorf("x.d = %q after deriving y, want x", v)
	}
	if v, _ := y.Get("d"); v != "y" {
		t.Errorf("y.d = %q, want y", v)
	}
	if v, _ := base.Get("b"); v != "1" {
		t.Errorf("base.b = %q after deriving z, want 1", v)
	}
	if v, _ := z.Get("b"); v != "z" || z.Len() != 3 {
		t.Errorf("z = %v", z)
	}
	if base.Len() != 3 {
		t.Errorf("base = %v, want 3 tags", base)
	}
}

func TestTagSetWithAllAndWithMap(t *testing.T) {
	t.Parallel()
	vu := metrics.NewTagSet(map[string]string{"scenario": "default", "name": "vu", "group": ""})
	call := map[string]string{"name": "call", "mode": "read"}
	want := map[string]string{"scenario": "default", "name": "call", "group": "", "mode": "read"}

	if got := vu.WithAll(metrics.NewTagSet(call)); !maps.Equal(got.Map(), want) {
		t.Errorf("WithAll = %v, want %v (other wins)", got.Map(), want)
	}
	if got := vu.WithMap(call); !maps.Equal(got.Map(), want) {
		t.Errorf("WithMap = %v, want %v (map wins)", got.Map(), want)
	}
	if got := vu.Map(); got["name"] != "vu" || len(got) != 3 {
		t.Errorf("receiver changed: %v", got)
	}

	tests := []struct {
		name        string
		base, other *metrics.TagSet
		want        map[string]string
	}{
		{"nil other", vu, nil, vu.Map()},
		{"empty other", vu, metrics.NewTagSet(nil), vu.Map()},
		{"nil base", nil, vu, vu.Map()},
		{"both nil", nil, nil, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.base.WithAll(tc.other).Map(); !maps.Equal(got, tc.want) {
				t.Errorf("WithAll = %v, want %v", got, tc.want)
			}
			if got := tc.base.WithMap(tc.other.Map()).Map(); !maps.Equal(got, tc.want) {
				t.Errorf("WithMap = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTagSetContains(t *testing.T) {
	t.Parallel()
	set := metrics.NewTagSet(map[string]string{"name": "q1", "mode": "read", "status": "ok"})
	tests := []struct {
		name string
		ts   *metrics.TagSet
		sub  *metrics.TagSet
		want bool
	}{
		{"nil selector matches", set, nil, true},
		{"empty selector matches", set, metrics.NewTagSet(nil), true},
		{"one tag", set, metrics.NewTagSet(map[string]string{"name": "q1"}), true},
		{"all tags", set, set, true},
		{"two tags", set, metrics.NewTagSet(map[string]string{"name": "q1", "status": "ok"}), true},
		{"other value", set, metrics.NewTagSet(map[string]string{"name": "q2"}), false},
		{"missing key", set, metrics.NewTagSet(map[string]string{"db": "neo4j"}), false},
		{"one of two differs", set, metrics.NewTagSet(map[string]string{"name": "q1", "mode": "write"}), false},
		{"empty value is not missing", set.With("tx", ""), metrics.NewTagSet(map[string]string{"tx": ""}), true},
		{"missing is not empty value", set, metrics.NewTagSet(map[string]string{"tx": ""}), false},
		{"nil set, empty selector", nil, metrics.NewTagSet(nil), true},
		{"nil set, selector", nil, metrics.NewTagSet(map[string]string{"name": "q1"}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.ts.Contains(tc.sub); got != tc.want {
				t.Errorf("%v.Contains(%v) = %v, want %v", tc.ts, tc.sub, got, tc.want)
			}
		})
	}
}

func TestTagSetString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ts   *metrics.TagSet
		want string
	}{
		{"nil", nil, "{}"},
		{"zero value", &metrics.TagSet{}, "{}"},
		{"empty", metrics.NewTagSet(map[string]string{}), "{}"},
		{"one", metrics.NewTagSet(map[string]string{"a": "1"}), "{a:1}"},
		{"sorted", metrics.NewTagSet(map[string]string{"b": "2", "a": "1"}), "{a:1, b:2}"},
		{"submetric selector", metrics.NewTagSet(map[string]string{"name": "person-by-id", "mode": "read"}), "{mode:read, name:person-by-id}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.ts.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNilTagSet(t *testing.T) {
	t.Parallel()
	var ts *metrics.TagSet
	if ts.Len() != 0 {
		t.Errorf("Len = %d", ts.Len())
	}
	if v, ok := ts.Get("a"); ok || v != "" {
		t.Errorf("Get = %q, %v", v, ok)
	}
	if ts.Tags() != nil {
		t.Errorf("Tags = %v", ts.Tags())
	}
	if m := ts.Map(); m == nil || len(m) != 0 {
		t.Errorf("Map = %#v, want an empty non-nil map", m)
	}
	if ts.String() != "{}" {
		t.Errorf("String = %q", ts.String())
	}
	if !ts.Contains(nil) {
		t.Error("nil does not contain nil")
	}
	if got := ts.With("a", "1"); got.String() != "{a:1}" {
		t.Errorf("With = %v", got)
	}
	if got := ts.WithMap(map[string]string{"a": "1"}); got.String() != "{a:1}" {
		t.Errorf("WithMap = %v", got)
	}
	if got := ts.WithAll(metrics.NewTagSet(map[string]string{"a": "1"})); got.String() != "{a:1}" {
		t.Errorf("WithAll = %v", got)
	}
	if got := ts.WithMap(nil); got.Len() != 0 {
		t.Errorf("WithMap(nil) = %v", got)
	}
	var zero metrics.TagSet
	if got := zero.With("k", "v"); got.String() != "{k:v}" || zero.Len() != 0 {
		t.Errorf("zero.With = %v, zero now %v", got, &zero)
	}
}

// TagSets are shared between VUs: reading and deriving from one set concurrently is safe.
func TestTagSetConcurrent(t *testing.T) {
	t.Parallel()
	base := metrics.NewTagSet(map[string]string{"scenario": "default", "vu": "0"})
	var wg sync.WaitGroup
	results := make([]*metrics.TagSet, 64)
	for i := range results {
		wg.Go(func() {
			ts := base
			for j := range 50 {
				ts = ts.With("iter", strconv.Itoa(j)).WithMap(map[string]string{"vu": strconv.Itoa(i)})
				_ = ts.String()
				_ = base.Contains(ts)
			}
			results[i] = ts
		})
	}
	wg.Wait()
	for i, ts := range results {
		want := map[string]string{"scenario": "default", "vu": strconv.Itoa(i), "iter": "49"}
		if !maps.Equal(ts.Map(), want) {
			t.Errorf("goroutine %d got %v, want %v", i, ts.Map(), want)
		}
	}
	if got := base.Map(); got["vu"] != "0" || len(got) != 2 {
		t.Errorf("shared base changed: %v", got)
	}
}

// Without (exec.vu.tags deletion, switched-off system tags) leaves the receiver untouched.
func TestTagSetWithout(t *testing.T) {
	t.Parallel()
	ts := metrics.NewTagSet(map[string]string{"a": "1", "b": "2", "c": "3"})
	got := ts.Without("b")
	if got.String() != "{a:1, c:3}" || ts.String() != "{a:1, b:2, c:3}" {
		t.Errorf("Without(b) = %s, receiver now %s", got, ts)
	}
	if ts.Without("zz") != ts {
		t.Error("Without of a missing key should return the receiver")
	}
	var empty *metrics.TagSet
	if empty.Without("a").Len() != 0 {
		t.Error("nil set")
	}
}
